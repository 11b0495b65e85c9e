import { retryWhileRetriable } from './kafka-event.server';
import { Logger } from '@nestjs/common';
import { definitionForTopic, EventDefinition, EventEnvelope } from '@verity/contracts';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { EventPublisher } from './event-publisher';
import { KafkaMetrics } from './kafka.metrics';
import { restartAfterCrash } from './restart-after-crash';
import { readMessage } from './read-message';

/** One valid, contract-checked event of a consumed batch. */
export interface BatchEvent {
  offset: string;
  key: string | null;
  event: EventEnvelope<object>;
  /** The message as received (for dead-lettering it unchanged). */
  message: KafkaMessage;
}

/** The valid events of one fetched batch of one topic-partition, in offset order. */
export interface EventBatch {
  topic: string;
  partition: number;
  definition: EventDefinition;
  events: BatchEvent[];
  /** The offset after the batch's last message (valid or not): what to resume from once it is handled. */
  nextOffset: string;
  /** Dead-letters one event of this batch to `<topic>.dlq` with a stable code (does not stop the batch). */
  deadLetter(event: BatchEvent, code: string, reasons: string[]): Promise<void>;
}

export interface StoredOffset {
  topic: string;
  partition: number;
  /** The next offset to consume. */
  offset: string;
}

export interface EventBatchConsumerOptions {
  kafka: Kafka;
  publisher: EventPublisher;
  /** Consumer group, `<consumer-app>.<purpose>`. */
  groupId: string;
  /** The events to consume; their topics are subscribed from the beginning. */
  definitions: readonly EventDefinition[];
  /**
   * Handles one batch. When it resolves, the batch's offsets are committed to Kafka too. It may
   * run again for the same messages after a crash or rebalance: a handler that stores its
   * progress (`nextOffset`) with its data in one transaction is exactly-once.
   */
  handle(batch: EventBatch): Promise<void>;
  /**
   * Where each newly assigned partition resumes (e.g. offsets stored with the data); partitions
   * it does not name resume from the group's committed offsets.
   */
  storedOffsets?(assigned: Array<{ topic: string; partition: number }>): Promise<StoredOffset[]>;
  /**
   * Forgets stored offsets that lie past the end of their partition: they were stored against
   * another cluster or an earlier incarnation of the topic (e.g. a broker whose data was reset),
   * and resuming from them would silently skip every message up to there.
   */
  discardOffsets?(stale: StoredOffset[]): Promise<void>;
  maxWaitTimeInMs?: number;
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
}

/**
 * A batch consumer over kafkajs `eachBatch`, for consumers whose work is cheaper per batch than
 * per message (one transaction per batch). Each message is parsed and checked against its
 * contract; invalid ones are dead-lettered (`<topic>.dlq`, `verity-dlq-*` headers) and skipped,
 * the rest reach `handle` together. An unexpected error from `handle` retries the same batch
 * with backoff for as long as this consumer owns the partition (a batch is never dead-lettered
 * whole). On every assignment, `storedOffsets` decides where each partition resumes.
 */
export class EventBatchConsumer {
  private consumer: Consumer | undefined;
  private joined = false;
  private stopped = false;
  private readonly log: Logger;
  private readonly metrics = new KafkaMetrics();

  constructor(private readonly options: EventBatchConsumerOptions) {
    this.log = new Logger(`EventBatchConsumer:${options.groupId}`);
  }

  /** Joined its group and holds its assignment. */
  isReady(): boolean {
    return this.joined;
  }

  async start(): Promise<void> {
    const topics = this.options.definitions.map((d) => d.topic);
    if (topics.length === 0) throw new Error(`consumer ${this.options.groupId} has no topics`);
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      // Bounded batches: a batch is one transaction, and heartbeats wait for it.
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1024 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.resume(consumer, payload.memberAssignment).catch((err: Error) =>
        this.log.error({ err: err.message }, 'could not resume from stored offsets'),
      );
    });
    consumer.on(consumer.events.REBALANCING, () => (this.joined = false));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.log.error({ err: payload.error?.message, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && consumer === this.consumer)
        restartAfterCrash(
          this.log,
          () => this.start(),
          () => this.stopped,
        );
    });
    await this.options.publisher.connect();
    await this.discardStaleOffsets(topics);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.process(payload),
    });
    this.log.log({ topics }, 'consuming in batches');
  }

  /** Stops fetching, lets the batch in hand finish and commits its offsets. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.joined = false;
    await this.consumer?.disconnect();
  }

  /** Before consuming: drops stored offsets beyond their partition's end (see `discardOffsets`). */
  private async discardStaleOffsets(topics: string[]): Promise<void> {
    const { storedOffsets, discardOffsets } = this.options;
    if (!storedOffsets || !discardOffsets) return;
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const ends = new Map<string, bigint>();
      for (const topic of topics) {
        // A fresh broker may not have elected the new topics' leaders yet.
        for (const { partition, high } of await retryWhileRetriable(() => admin.fetchTopicOffsets(topic))) {
          ends.set(`${topic}:${partition}`, BigInt(high));
        }
      }
      const all = [...ends.keys()].map((key) => {
        const at = key.lastIndexOf(':');
        return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
      });
      const stale = (await storedOffsets(all)).filter(
        (s) => BigInt(s.offset) > (ends.get(`${s.topic}:${s.partition}`) ?? 0n),
      );
      if (stale.length === 0) return;
      this.log.warn(
        { stale },
        'stored offsets lie past the end of their partitions (another cluster, or a reset topic): reading those partitions from the beginning',
      );
      await discardOffsets(stale);
    } finally {
      await admin.disconnect();
    }
  }

  private async resume(consumer: Consumer, assignment: Record<string, number[]>): Promise<void> {
    if (!this.options.storedOffsets) return;
    const assigned = Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition })),
    );
    if (assigned.length === 0) return;
    for (const stored of await this.options.storedOffsets(assigned)) {
      consumer.seek(stored);
    }
  }

  private async process(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    if (batch.messages.length === 0) return;
    const definition = definitionForTopic(topic) as EventDefinition;
    const last = batch.messages[batch.messages.length - 1].offset;
    const nextOffset = (BigInt(last) + 1n).toString();
    const stop = this.metrics.consumeDuration.startTimer({ topic, group: this.options.groupId });
    const deadLetter = async (message: KafkaMessage, code: string, reasons: string[]) => {
      this.metrics.deadLettered.inc({ topic, code });
      await this.options.publisher.deadLetterMessage({ topic, partition, message }, code, reasons);
    };

    const events: BatchEvent[] = [];
    for (const message of batch.messages) {
      const checked = readMessage(definition, message);
      if (!checked.ok) {
        await deadLetter(message, checked.code, checked.reasons);
        continue;
      }
      events.push({
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        event: checked.event,
        message,
      });
    }

    const eventBatch: EventBatch = {
      topic,
      partition,
      definition,
      events,
      nextOffset,
      deadLetter: (event, code, reasons) => deadLetter(event.message, code, reasons),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(eventBatch);
        break;
      } catch (err) {
        this.log.warn(
          { topic, partition, firstOffset: batch.firstOffset(), attempt, err: (err as Error).message },
          'batch handler failed; retrying',
        );
        if (!payload.isRunning() || payload.isStale()) {
          stop({ outcome: 'failed' });
          return; // the partition moved on (rebalance or shutdown): nothing is committed, its next owner redoes the batch
        }
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
        await payload.heartbeat();
      }
    }
    payload.resolveOffset(last);
    await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
    stop({ outcome: 'ok' });
  }
}
