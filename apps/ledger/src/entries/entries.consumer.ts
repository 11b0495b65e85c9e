import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AlertRaised, createEvent, LEDGERED_EVENTS } from '@verity/contracts';
import { EventBatch, EventBatchConsumer, EventPublisher, KAFKA_CLIENT, KafkaServers } from '@verity/kafka';
import { Kafka } from 'kafkajs';
import { LedgerConfig } from '../config/ledger.config';
import { PublicationService } from '../publication/publication.service';
import { LEDGER_SOURCE } from '../publication/appended-event';
import { ConsumedOutcome, EntriesService } from './entries.service';

/**
 * Consumes every ledgered event (`LEDGERED_EVENTS` of the contracts registry, so a new ledgered
 * event type needs no change here) in Kafka batches: one transaction per batch appends it to
 * the log of its partition's shard and stores the consumed offsets; on assignment each
 * partition resumes from the stored offsets. Started by `start()` (main.ts), not on boot, so a
 * process can serve the log without consuming.
 */
@Injectable()
export class EntriesConsumer implements OnModuleDestroy {
  private readonly logger = new Logger(EntriesConsumer.name);
  private consumer: EventBatchConsumer | undefined;

  constructor(
    private readonly entries: EntriesService,
    private readonly publication: PublicationService,
    private readonly publisher: EventPublisher,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(LedgerConfig) private readonly config: LedgerConfig,
    private readonly servers: KafkaServers,
  ) {}

  private get groupId(): string {
    return this.config.LEDGER_CONSUMER_GROUP;
  }

  async start(): Promise<void> {
    // Once started, /health/ready waits for the batch consumer to hold its partitions, like any consumer.
    this.servers.track(this);
    this.consumer = new EventBatchConsumer({
      kafka: this.kafka,
      publisher: this.publisher,
      groupId: this.groupId,
      definitions: LEDGERED_EVENTS,
      handle: (batch) => this.handle(batch),
      storedOffsets: (assigned) => this.entries.storedOffsets(this.groupId, assigned),
      discardOffsets: (stale) => this.entries.discardOffsets(this.groupId, stale),
    });
    await this.consumer.start();
  }

  isReady(): boolean {
    return this.consumer?.isReady() ?? false;
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(batch: EventBatch): Promise<void> {
    const byOffset = new Map(batch.events.map((e) => [e.offset, e]));
    const outcomes = await this.entries.appendConsumed(
      {
        groupId: this.groupId,
        topic: batch.topic,
        partition: batch.partition,
        nextOffset: batch.nextOffset,
        events: batch.events.map((e) => ({ offset: e.offset, event: e.event })),
      },
      async (results) => {
        for (const o of results) {
          if (o.result.outcome !== 'conflict') continue;
          const error = o.result.error;
          await batch.deadLetter(byOffset.get(o.offset)!, error.code, [error.message]);
          await this.alert(o, batch);
        }
      },
    );
    if (outcomes.some((o) => o.result.outcome === 'appended')) {
      this.publication
        .flush()
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'announcing failed; will retry'));
    }
  }

  /** alert.raised for a conflicting duplicate: an event id came back with other content. */
  private async alert(o: ConsumedOutcome, batch: EventBatch): Promise<void> {
    const event = o.event.event;
    const details = o.result.outcome === 'conflict' ? o.result.error.details : {};
    await this.publisher.publish(
      AlertRaised,
      createEvent(AlertRaised, {
        source: LEDGER_SOURCE,
        actionId: event.actionid,
        sessionId: event.sessionid,
        actor: event.actor,
        causationId: event.id,
        data: {
          kind: 'ledger.conflicting_duplicate',
          severity: 'critical',
          message: `event ${event.id} arrived again with different content; the ledgered one is kept`,
          details: { ...(details as object), topic: batch.topic, partition: batch.partition, offset: o.offset },
        },
      }),
    );
  }
}
