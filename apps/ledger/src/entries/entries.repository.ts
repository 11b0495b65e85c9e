import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { OutboxEntity } from '../publication/outbox.entity';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { LogStateEntity } from './log-state.entity';
import { ParkedEventEntity } from './parked-event.entity';

export type NewEntry = Omit<LedgerEntryEntity, 'appendedAt'>;

/** TypeORM access to the ledger schema. Methods taking `tx` run inside the caller's transaction. */
@Injectable()
export class EntriesRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Locks the origin's state row (creating it at size 0 the first time); appends serialise here. */
  async lockLog(tx: EntityManager, origin: string): Promise<LogStateEntity> {
    const lock = () => tx.findOne(LogStateEntity, { where: { origin }, lock: { mode: 'pessimistic_write' } });
    const found = await lock();
    if (found) return found;
    await tx.createQueryBuilder().insert().into(LogStateEntity).values({ origin, size: 0 }).orIgnore().execute();
    return (await lock()) as LogStateEntity;
  }

  async saveState(tx: EntityManager, log: LogStateEntity): Promise<void> {
    await tx.update(
      LogStateEntity,
      { origin: log.origin },
      { size: log.size, treeSize: log.treeSize, frontier: log.frontier },
    );
  }

  findEntryByEventId(tx: EntityManager, eventId: string): Promise<LedgerEntryEntity | null> {
    return tx.findOne(LedgerEntryEntity, { where: { eventId } });
  }

  findParked(tx: EntityManager, eventId: string): Promise<ParkedEventEntity | null> {
    return tx.findOne(ParkedEventEntity, { where: { eventId } });
  }

  isAppended(tx: EntityManager, eventId: string): Promise<boolean> {
    return tx.exists(LedgerEntryEntity, { where: { eventId } });
  }

  hasActionEvent(tx: EntityManager, actionId: string, eventType: string): Promise<boolean> {
    return tx.exists(LedgerEntryEntity, { where: { actionId, eventType } });
  }

  /** The next 0-based position of an entry in its session (gap-free under the log lock). */
  async nextSessionSeq(tx: EntityManager, origin: string, sessionId: string): Promise<number> {
    const row = await tx
      .createQueryBuilder(LedgerEntryEntity, 'e')
      .select('COALESCE(MAX(e.sessionSeq) + 1, 0)', 'next')
      .where('e.origin = :origin AND e.sessionId = :sessionId', { origin, sessionId })
      .getRawOne<{ next: string }>();
    return Number(row?.next ?? 0);
  }

  /** Inserts the entry and queues its announcement, in the same transaction. */
  async insertEntry(tx: EntityManager, entry: NewEntry): Promise<void> {
    await tx.insert(LedgerEntryEntity, entry);
    await tx.insert(OutboxEntity, { origin: entry.origin, index: entry.index });
  }

  async park(tx: EntityManager, parked: Omit<ParkedEventEntity, 'parkedAt'>): Promise<void> {
    await tx.insert(ParkedEventEntity, parked);
  }

  /**
   * Removes and returns the parked events that `appended` releases: those it caused and those
   * waiting for its type in its action. Oldest first.
   */
  async takeParkedReleasedBy(
    tx: EntityManager,
    appended: { id: string; actionId: string; type: string },
  ): Promise<ParkedEventEntity[]> {
    const parked = await tx.find(ParkedEventEntity, {
      where: [{ causationId: appended.id }, { actionId: appended.actionId, awaitsType: appended.type }],
      order: { parkedAt: 'ASC', eventId: 'ASC' },
    });
    if (parked.length > 0)
      await tx.delete(
        ParkedEventEntity,
        parked.map((p) => p.eventId),
      );
    return parked;
  }

  staleParked(tx: EntityManager, parkedBefore: Date, limit: number): Promise<ParkedEventEntity[]> {
    return tx.find(ParkedEventEntity, {
      where: { parkedAt: LessThan(parkedBefore) },
      order: { parkedAt: 'ASC', eventId: 'ASC' },
      take: limit,
    });
  }

  /** True when this call removed it (it may already have been released by a cascade). */
  async removeParked(tx: EntityManager, eventId: string): Promise<boolean> {
    const result = await tx.delete(ParkedEventEntity, { eventId });
    return (result.affected ?? 0) > 0;
  }

  findByIndex(origin: string, index: number): Promise<LedgerEntryEntity | null> {
    return this.db.manager.findOne(LedgerEntryEntity, { where: { origin, index } });
  }

  /** Entries [from, to) in index order. */
  range(origin: string, from: number, to: number): Promise<LedgerEntryEntity[]> {
    return this.db.manager
      .createQueryBuilder(LedgerEntryEntity, 'e')
      .where('e.origin = :origin AND e.index >= :from AND e.index < :to', { origin, from, to })
      .orderBy('e.index', 'ASC')
      .getMany();
  }

  findByEventId(origin: string, eventId: string): Promise<LedgerEntryEntity | null> {
    return this.db.manager.findOne(LedgerEntryEntity, { where: { origin, eventId } });
  }

  findByAction(origin: string, actionId: string): Promise<LedgerEntryEntity[]> {
    return this.db.manager.find(LedgerEntryEntity, { where: { origin, actionId }, order: { index: 'ASC' } });
  }

  /** Entries still to be announced, in index order. */
  async pendingPublications(origin: string, limit: number): Promise<LedgerEntryEntity[]> {
    return this.db.manager
      .createQueryBuilder(LedgerEntryEntity, 'e')
      .innerJoin(OutboxEntity, 'o', 'o.origin = e.origin AND o.index = e.index')
      .where('e.origin = :origin', { origin })
      .orderBy('e.index', 'ASC')
      .limit(limit)
      .getMany();
  }

  async removeFromOutbox(origin: string, index: number): Promise<void> {
    await this.db.manager.delete(OutboxEntity, { origin, index });
  }

  /**
   * Runs `work` only if no other process is announcing this origin's entries (a session-level
   * advisory lock), so announcements leave in index order. Returns false when another holds it.
   */
  async whileHoldingPublishLock(origin: string, work: () => Promise<void>): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const key = `ledger.outbox:${origin}`;
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key])) as Array<{
        locked: boolean;
      }>;
      if (!locked) return false;
      try {
        await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
      return true;
    } finally {
      await runner.release();
    }
  }
}
