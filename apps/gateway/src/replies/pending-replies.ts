interface Waiter<T> {
  resolve: (reply: T | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * Requests waiting for a reply that arrives over Kafka, keyed by action id. The first reply
 * for an id wins; a reply for an id nobody waits for (late, duplicate, another instance's
 * action) is ignored.
 */
export class PendingReplies<T> {
  private readonly waiting = new Map<string, Waiter<T>>();

  /** Starts waiting; resolves with the reply, or with undefined after `timeoutMs`. Call before sending the request. */
  expect(id: string, timeoutMs: number): Promise<T | undefined> {
    if (this.waiting.has(id)) throw new Error(`already waiting for a reply to ${id}`);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, undefined), timeoutMs);
      this.waiting.set(id, { resolve, timer });
    });
  }

  /** Hands a reply to the request waiting for it; false when none is. */
  resolve(id: string, reply: T): boolean {
    return this.settle(id, reply);
  }

  /** Stops waiting (the request could not be sent); the waiter gets undefined. */
  cancel(id: string): void {
    this.settle(id, undefined);
  }

  get size(): number {
    return this.waiting.size;
  }

  private settle(id: string, reply: T | undefined): boolean {
    const waiter = this.waiting.get(id);
    if (!waiter) return false;
    this.waiting.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(reply);
    return true;
  }
}
