/**
 * Calls `read` until `done` holds for its answer, the time is up or the signal aborts, and
 * returns the last answer. For waits on state another instance (or process) writes.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline && !options.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs, deadline - Date.now())));
    value = await read();
  }
  return value;
}
