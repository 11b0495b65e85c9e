import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEnvelope, LedgerAppended, LedgerAppendedV1 } from '@verity/contracts';
import { EventBatch, EventBatchConsumer, EventPublisher, KAFKA_CLIENT, KafkaServers } from '@verity/kafka';
import { Kafka } from 'kafkajs';
import { ProjectionService } from './projection.service';

export const PROJECTIONS_GROUP = 'audit.projections';

/**
 * Only what the ledger holds reaches the views: group `audit.projections` reads LedgerAppended,
 * in Kafka batches — one transaction per batch of a partition (ProjectionService.applyBatch),
 * then the offsets are committed. A redelivered batch changes nothing (duplicates are recognised
 * per action and per alert). An entry that holds no valid ledgered event is dead-lettered with
 * its code and the rest of the batch goes on. Started by `start()` (main.ts, tests), not on boot,
 * so a process (the rebuild) can use the projections without consuming.
 */
@Injectable()
export class LedgerConsumer implements OnModuleDestroy {
  private consumer: EventBatchConsumer | undefined;

  constructor(
    private readonly projection: ProjectionService,
    private readonly publisher: EventPublisher,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly servers: KafkaServers,
  ) {}

  async start(): Promise<void> {
    this.servers.track(this);
    this.consumer = new EventBatchConsumer({
      kafka: this.kafka,
      publisher: this.publisher,
      groupId: PROJECTIONS_GROUP,
      definitions: [LedgerAppended],
      handle: (batch) => this.handle(batch),
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
    const valid: { appended: LedgerAppendedV1; announcedAt: string }[] = [];
    for (const e of batch.events) {
      const envelope = e.event as EventEnvelope<LedgerAppendedV1>;
      const error = this.projection.checkEntry(envelope.data);
      if (error) await batch.deadLetter(e, error.code, [error.message]);
      else valid.push({ appended: envelope.data, announcedAt: envelope.time });
    }
    if (valid.length > 0) await this.projection.applyBatch(valid);
  }
}
