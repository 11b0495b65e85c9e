import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LedgerConfig } from '../config/ledger.config';
import { shardOf, shardOrigin } from '../shards/shard';
import { TreeService } from '../tree/tree.service';
import { BatchAppender, EventOutcome } from './batch-appender';
import { EntriesRepository, NewEntry } from './entries.repository';
import { CanonicalEvent, canonicalEvent } from './ledger-entry';
import { LedgerEntryEntity } from './ledger-entry.entity';

export type AppendResult =
  /** The event and any parked events it released, in index order. */
  | { outcome: 'appended'; entries: NewEntry[] }
  /** Its cause is not in the ledger yet; it is kept until it is. */
  | { outcome: 'parked' }
  /** Already in the ledger (or parked) with the same digest: a redelivery. */
  | { outcome: 'duplicate' };

export type { EventOutcome };

/** A batch of one Kafka topic-partition, as the ledger's consumer hands it over. */
export interface ConsumedBatch {
  groupId: string;
  topic: string;
  partition: number;
  /** Offset after the batch's last message: stored with the entries. */
  nextOffset: string;
  events: Array<{ offset: string; event: object }>;
}

export interface ConsumedOutcome {
  offset: string;
  event: CanonicalEvent;
  /** `consumed`: at an offset below the stored one, i.e. already handled by an earlier transaction. */
  result: EventOutcome | { outcome: 'consumed' };
}

/**
 * Appends ledgered events exactly once, in causal order, with gap-free indices, to the log of
 * their shard. Every append is one transaction that holds the shard's state row lock, so
 * indices and session sequence numbers are assigned one writer at a time per shard.
 */
@Injectable()
export class EntriesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EntriesService.name);
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: EntriesRepository,
    private readonly tree: TreeService,
    @Inject(LedgerConfig) private readonly config: LedgerConfig,
  ) {}

  /** The log origin of a shard (a Kafka partition of the ledger's input). */
  originOf(shard: number): string {
    return shardOrigin(this.config.LEDGER_ORIGIN, shard);
  }

  onModuleInit(): void {
    const every = Math.min(Math.max(this.config.LEDGER_PARK_TIMEOUT_MS / 4, 1_000), 60_000);
    this.sweeper = setInterval(() => {
      this.releaseStaleParked().catch((err: Error) =>
        this.logger.error({ err: err.message }, 'releasing stale parked events failed'),
      );
    }, every);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  async append(event: object, shard = 0): Promise<AppendResult> {
    const [result] = await this.appendBatch([event], shard);
    if (result.outcome === 'conflict') throw result.error;
    return result;
  }

  /**
   * Appends events to a shard's log in one transaction (one lock, set-based reads, multi-row
   * inserts, one tree update), in the order given. Per event: appended (with the parked events
   * it released), parked, duplicate, or conflict (an id already ledgered with a different digest).
   */
  async appendBatch(events: object[], shard = 0): Promise<EventOutcome[]> {
    const incoming = events.map(canonicalEvent);
    return this.repo.transaction(async (tx) => {
      const batch = new BatchAppender(tx, this.repo, await this.repo.lockLog(tx, this.originOf(shard)));
      await batch.preload(incoming);
      const results: EventOutcome[] = [];
      for (const event of incoming) results.push(await batch.add(event));
      await this.finish(tx, batch);
      return results;
    });
  }

  /**
   * Appends a consumed Kafka batch to the log of its partition's shard and stores the offset
   * after it, in one transaction. Messages below the stored offset were appended by an earlier
   * transaction (Kafka's own commit had not happened before a crash) and are passed over.
   * `beforeCommit` runs inside the transaction (dead letters and alerts for conflicts): if the
   * commit fails they may be sent again, never lost.
   */
  async appendConsumed(
    consumed: ConsumedBatch,
    beforeCommit?: (outcomes: ConsumedOutcome[]) => Promise<void>,
  ): Promise<ConsumedOutcome[]> {
    const incoming = consumed.events.map((e) => ({ offset: e.offset, event: canonicalEvent(e.event) }));
    const { groupId, topic, partition, nextOffset } = consumed;
    return this.repo.transaction(async (tx) => {
      const batch = new BatchAppender(tx, this.repo, await this.repo.lockLog(tx, this.originOf(partition)));
      const stored = await this.repo.storedOffset(tx, groupId, topic, partition);
      const from = stored === null ? -1n : BigInt(stored);
      const fresh = incoming.filter((e) => BigInt(e.offset) >= from);
      await batch.preload(fresh.map((e) => e.event));
      const outcomes: ConsumedOutcome[] = [];
      for (const e of incoming) {
        const result = BigInt(e.offset) >= from ? await batch.add(e.event) : { outcome: 'consumed' as const };
        outcomes.push({ offset: e.offset, event: e.event, result });
      }
      await this.finish(tx, batch);
      if (BigInt(nextOffset) > from) await this.repo.saveOffset(tx, groupId, topic, partition, nextOffset);
      await beforeCommit?.(outcomes);
      return outcomes;
    });
  }

  /** Where each of these topic-partitions resumes, as stored with the entries. */
  storedOffsets(
    groupId: string,
    assigned: Array<{ topic: string; partition: number }>,
  ): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    return this.repo.storedOffsets(groupId, assigned);
  }

  /** Forgets stored offsets (they lie past the end of their partitions; see EventBatchConsumer). */
  discardOffsets(groupId: string, stale: Array<{ topic: string; partition: number }>): Promise<void> {
    return this.repo.deleteOffsets(groupId, stale);
  }

  /**
   * Appends events whose cause has not arrived within LEDGER_PARK_TIMEOUT_MS, so that a cause
   * that is never ledgered cannot keep them out for good. Causal order is lost for these only.
   */
  async releaseStaleParked(now = new Date()): Promise<NewEntry[]> {
    const before = new Date(now.getTime() - this.config.LEDGER_PARK_TIMEOUT_MS);
    const stale = await this.repo.transaction((tx) => this.repo.staleParked(tx, before, 100));
    // Only this ledger's shards (other ledgers may share the database).
    const origins = [...new Set(stale.map((p) => p.origin ?? this.config.LEDGER_ORIGIN))].filter(
      (o) => shardOf(this.config.LEDGER_ORIGIN, o) !== undefined,
    );
    const appended: NewEntry[] = [];
    for (const origin of origins) {
      appended.push(
        ...(await this.repo.transaction(async (tx) => {
          const batch = new BatchAppender(tx, this.repo, await this.repo.lockLog(tx, origin));
          const out: NewEntry[] = [];
          for (const parked of stale.filter((p) => (p.origin ?? this.config.LEDGER_ORIGIN) === origin)) {
            if (!(await this.repo.removeParked(tx, parked.eventId))) continue; // released by an earlier cascade
            this.logger.warn(
              { eventId: parked.eventId, causationId: parked.causationId, parkedAt: parked.parkedAt, origin },
              'cause never arrived: appending parked event out of causal order',
            );
            out.push(...(await batch.appendReleased(canonicalEvent(parked.payload))));
          }
          await this.finish(tx, batch);
          return out;
        })),
      );
    }
    return appended;
  }

  findByIndex(origin: string, index: number): Promise<LedgerEntryEntity | null> {
    return this.repo.findByIndex(origin, index);
  }

  findByEventId(eventId: string): Promise<LedgerEntryEntity | null> {
    return this.repo.findByEventId(eventId);
  }

  findByAction(actionId: string): Promise<LedgerEntryEntity[]> {
    return this.repo.findByAction(actionId);
  }

  private async finish(tx: EntityManager, batch: BatchAppender): Promise<void> {
    await batch.finish();
    if (batch.appended.length === 0) return;
    await this.tree.extend(tx, batch.log, batch.appended);
    await this.repo.saveState(tx, batch.log);
  }
}
