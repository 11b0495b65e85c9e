import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { definitionForTopic, DomainError, EventDefinition } from '@verity/contracts';
import { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { lastValueFrom, isObservable } from 'rxjs';
import { DEFAULT_CONSUMER } from './consume-event.decorator';
import { EventContext } from './event-context';
import { EventPublisher } from './event-publisher';
import { KafkaMetrics } from './kafka.metrics';
import { readMessage } from './read-message';
import { restartAfterCrash } from './restart-after-crash';

export interface KafkaEventServerOptions {
  kafka: Kafka;
  publisher: EventPublisher;
  metrics: KafkaMetrics;
  /** Consumer group, `<consumer-app>.<purpose>`. */
  groupId: string;
  /** Runs only the handlers registered with this consumer name. */
  name?: string;
  /**
   * Where a group without committed offsets starts: at the beginning (durable work), or, when
   * false, at the topics' end as of start-up (per-instance reply listeners). The end offsets
   * are committed for the group before it joins, so nothing produced after start-up is missed.
   */
  fromBeginning?: boolean;
  /** When false, invalid messages are logged and skipped instead of dead-lettered. */
  deadLetter?: boolean;
  /** Attempts for an unexpected (non-domain) error before the message is dead-lettered. */
  maxAttempts?: number;
  maxWaitTimeInMs?: number;
  partitionsConsumedConcurrently?: number;
}

/**
 * Retries an admin operation while the broker says to try again (e.g. a fresh broker's group
 * coordinator still loading `__consumer_offsets`), for up to half a minute.
 */
export async function retryWhileRetriable<T>(operation: () => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 1_000)));
    }
  }
}

/**
 * A Nest microservice transport over kafkajs. Handlers are ordinary `@ConsumeEvent` methods
 * (with pipes, guards and interceptors, since apps connect it with inheritAppConfig).
 *
 * Per message: parse → validate against the contract → handler. Invalid messages and domain
 * errors are dead-lettered at once; other errors are retried with backoff, then dead-lettered.
 * Either way the offset moves on: kafkajs commits offset + 1 once eachMessage resolves.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer: Consumer | undefined;
  private joined = false;
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
    this.log = new Logger(`KafkaEventServer:${options.groupId}`);
  }

  /** Ready once the consumer has joined its group and holds its assignment. */
  isReady(): boolean {
    return this.joined;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private handlersForThisServer(): Map<string, MessageHandler> {
    const name = this.options.name ?? DEFAULT_CONSUMER;
    return new Map([...this.messageHandlers].filter(([, h]) => (h.extras?.consumer ?? DEFAULT_CONSUMER) === name));
  }

  private async start(): Promise<void> {
    const handlers = this.handlersForThisServer();
    const topics = [...handlers.keys()];
    if (topics.length === 0)
      throw new Error(`no @ConsumeEvent handlers for consumer ${this.options.name ?? DEFAULT_CONSUMER}`);
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joined = true));
    consumer.on(consumer.events.REBALANCING, () => (this.joined = false));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.log.error({ err: payload.error?.message, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && consumer === this.consumer)
        restartAfterCrash(
          this.log,
          () => this.start(),
          () => this.closed,
        );
    });
    await this.options.publisher.connect();
    const fromBeginning = this.options.fromBeginning ?? true;
    if (!fromBeginning) await retryWhileRetriable(() => this.startAtEnd(topics));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachMessage: (payload) => this.process(payload, handlers),
    });
    this.log.log({ topics }, 'consuming');
  }

  /** Commits the current end offsets for a group that has none yet. */
  private async startAtEnd(topics: string[]): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: this.options.groupId, topics });
      const fresh = committed.every((t) => t.partitions.every((p) => p.offset === '-1'));
      if (!fresh) return;
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId: this.options.groupId,
          topic,
          partitions: ends.map(({ partition, offset }) => ({ partition, offset })),
        });
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async process(payload: EachMessagePayload, handlers: Map<string, MessageHandler>): Promise<void> {
    const { topic, partition, message } = payload;
    const def = definitionForTopic(topic) as EventDefinition;
    const handler = handlers.get(topic) as MessageHandler;
    const reject = (code: string, reasons: string[]) => this.reject(payload, code, reasons);
    const stop = this.options.metrics.consumeDuration.startTimer({
      topic,
      group: this.options.groupId,
    });

    const checked = readMessage(def, message);
    if (!checked.ok) {
      stop({ outcome: 'invalid' });
      return reject(checked.code, checked.reasons);
    }

    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await handler(checked.event, new EventContext([topic, partition, message.offset]));
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        stop({ outcome: 'ok' });
        return;
      } catch (err) {
        if (err instanceof DomainError) {
          stop({ outcome: 'rejected' });
          return reject(err.code, [err.message]);
        }
        const error = err as Error;
        this.log.warn(
          {
            topic,
            partition,
            offset: message.offset,
            actionId: checked.event.actionid,
            attempt,
            err: error.message,
          },
          'handler failed',
        );
        if (attempt >= maxAttempts) {
          stop({ outcome: 'failed' });
          return reject('CONSUMER.RETRIES_EXHAUSTED', [error.message]);
        }
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
      }
    }
  }

  private async reject(payload: EachMessagePayload, code: string, reasons: string[]): Promise<void> {
    const { topic, partition, message } = payload;
    this.options.metrics.deadLettered.inc({ topic, code });
    if (this.options.deadLetter === false) {
      this.log.warn({ topic, partition, offset: message.offset, code, reasons }, 'skipped invalid message');
      return;
    }
    await this.options.publisher.deadLetterMessage({ topic, partition, message }, code, reasons);
  }

  /** Stops fetching, lets in-flight handlers finish and commits their offsets. */
  async close(): Promise<void> {
    this.closed = true;
    this.joined = false;
    await this.consumer?.disconnect();
  }

  on(): never {
    throw new Error('KafkaEventServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
