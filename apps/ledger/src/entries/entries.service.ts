import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LedgerConfig } from '../config/ledger.config';
import { TreeService } from '../tree/tree.service';
import { BatchAppender, EventOutcome } from './batch-appender';
import { EntriesRepository, NewEntry } from './entries.repository';
import { canonicalEvent } from './ledger-entry';
import { LedgerEntryEntity } from './ledger-entry.entity';

export type AppendResult =
  /** The event and any parked events it released, in index order. */
  | { outcome: 'appended'; entries: NewEntry[] }
  /** Its cause is not in the ledger yet; it is kept until it is. */
  | { outcome: 'parked' }
  /** Already in the ledger (or parked) with the same digest: a redelivery. */
  | { outcome: 'duplicate' };

export type { EventOutcome };

/**
 * Appends ledgered events exactly once, in causal order, with gap-free indices. Every append
 * is one transaction that holds the origin's state row lock, so indices and session sequence
 * numbers are assigned one writer at a time.
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

  private get origin(): string {
    return this.config.LEDGER_ORIGIN;
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

  async append(event: object): Promise<AppendResult> {
    const [result] = await this.appendBatch([event]);
    if (result.outcome === 'conflict') throw result.error;
    return result;
  }

  /**
   * Appends events in one transaction (one lock, set-based reads, multi-row inserts, one tree
   * update), in the order given. Per event: appended (with the parked events it released),
   * parked, duplicate, or conflict (an id already ledgered with a different digest).
   */
  async appendBatch(events: object[]): Promise<EventOutcome[]> {
    const incoming = events.map(canonicalEvent);
    return this.repo.transaction(async (tx) => {
      const batch = new BatchAppender(tx, this.repo, await this.repo.lockLog(tx, this.origin));
      await batch.preload(incoming);
      const results: EventOutcome[] = [];
      for (const event of incoming) results.push(await batch.add(event));
      await this.finish(tx, batch);
      return results;
    });
  }

  /**
   * Appends events whose cause has not arrived within LEDGER_PARK_TIMEOUT_MS, so that a cause
   * that is never ledgered cannot keep them out for good. Causal order is lost for these only.
   */
  async releaseStaleParked(now = new Date()): Promise<NewEntry[]> {
    return this.repo.transaction(async (tx) => {
      const batch = new BatchAppender(tx, this.repo, await this.repo.lockLog(tx, this.origin));
      const stale = await this.repo.staleParked(tx, new Date(now.getTime() - this.config.LEDGER_PARK_TIMEOUT_MS), 100);
      const appended: NewEntry[] = [];
      for (const parked of stale) {
        if (!(await this.repo.removeParked(tx, parked.eventId))) continue; // released by an earlier cascade
        this.logger.warn(
          { eventId: parked.eventId, causationId: parked.causationId, parkedAt: parked.parkedAt },
          'cause never arrived: appending parked event out of causal order',
        );
        appended.push(...(await batch.appendReleased(canonicalEvent(parked.payload))));
      }
      await this.finish(tx, batch);
      return appended;
    });
  }

  findByIndex(index: number): Promise<LedgerEntryEntity | null> {
    return this.repo.findByIndex(this.origin, index);
  }

  findByEventId(eventId: string): Promise<LedgerEntryEntity | null> {
    return this.repo.findByEventId(this.origin, eventId);
  }

  findByAction(actionId: string): Promise<LedgerEntryEntity[]> {
    return this.repo.findByAction(this.origin, actionId);
  }

  private async finish(tx: EntityManager, batch: BatchAppender): Promise<void> {
    await batch.finish();
    if (batch.appended.length === 0) return;
    await this.tree.extend(tx, batch.log, batch.appended);
    await this.repo.saveState(tx, batch.log);
  }
}
