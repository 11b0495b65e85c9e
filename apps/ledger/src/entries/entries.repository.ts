import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, LessThan } from 'typeorm';
import { PublicationCursorEntity } from '../publication/publication-cursor.entity';
import { ConsumerOffsetEntity } from './consumer-offset.entity';
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

  /** The next offset stored for a topic-partition (null: none yet). Call under the shard's lock. */
  async storedOffset(tx: EntityManager, groupId: string, topic: string, partition: number): Promise<string | null> {
    const row = await tx.findOne(ConsumerOffsetEntity, { where: { groupId, topic, partition } });
    return row?.nextOffset ?? null;
  }

  async saveOffset(
    tx: EntityManager,
    groupId: string,
    topic: string,
    partition: number,
    nextOffset: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ledger.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
      [groupId, topic, partition, nextOffset],
    );
  }

  /** Stored next offsets of these topic-partitions (those with none are left out). */
  async storedOffsets(
    groupId: string,
    assigned: Array<{ topic: string; partition: number }>,
  ): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    const rows = (await this.db.query(
      `SELECT o.topic, o.partition, o.next_offset::text AS offset FROM ledger.consumer_offsets o
         JOIN unnest($2::text[], $3::int[]) AS a(topic, partition) ON a.topic = o.topic AND a.partition = o.partition
        WHERE o.group_id = $1`,
      [groupId, assigned.map((a) => a.topic), assigned.map((a) => a.partition)],
    )) as Array<{ topic: string; partition: number; offset: string }>;
    return rows;
  }

  async deleteOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }>): Promise<void> {
    await this.db.query(
      `DELETE FROM ledger.consumer_offsets o USING unnest($2::text[], $3::int[]) AS a(topic, partition)
        WHERE o.group_id = $1 AND o.topic = a.topic AND o.partition = a.partition`,
      [groupId, partitions.map((p) => p.topic), partitions.map((p) => p.partition)],
    );
  }

  /** Digests of the given event ids already appended or parked. */
  async knownDigests(tx: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = (await tx.query(
      `SELECT event_id, payload_sha256 FROM ledger.entries WHERE event_id = ANY($1::uuid[])
       UNION ALL SELECT event_id, payload_sha256 FROM ledger.parked WHERE event_id = ANY($1::uuid[])`,
      [ids],
    )) as Array<{ event_id: string; payload_sha256: string }>;
    return new Map(rows.map((r) => [r.event_id, r.payload_sha256]));
  }

  /** Which of these event ids are appended. */
  async appendedAmong(tx: EntityManager, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = (await tx.query(`SELECT event_id FROM ledger.entries WHERE event_id = ANY($1::uuid[])`, [
      ids,
    ])) as Array<{
      event_id: string;
    }>;
    return rows.map((r) => r.event_id);
  }

  /** The event types appended for each of these actions. */
  async actionTypes(tx: EntityManager, actionIds: string[]): Promise<Array<{ actionId: string; eventType: string }>> {
    if (actionIds.length === 0) return [];
    return (await tx.query(
      `SELECT DISTINCT action_id AS "actionId", event_type AS "eventType" FROM ledger.entries WHERE action_id = ANY($1::uuid[])`,
      [actionIds],
    )) as Array<{ actionId: string; eventType: string }>;
  }

  /** Next session sequence number per session (absent: 0). */
  async nextSessionSeqs(tx: EntityManager, origin: string, sessions: string[]): Promise<Map<string, number>> {
    const rows = (await tx.query(
      `SELECT session_id, MAX(session_seq) + 1 AS next FROM ledger.entries
        WHERE origin = $1 AND session_id = ANY($2::text[]) GROUP BY session_id`,
      [origin, sessions],
    )) as Array<{ session_id: string; next: string }>;
    return new Map(rows.map((r) => [r.session_id, Number(r.next)]));
  }

  /** Parked events caused by these ids or belonging to these actions. */
  parkedFor(tx: EntityManager, ids: string[], actionIds: string[]): Promise<ParkedEventEntity[]> {
    const where = [
      ...(ids.length ? [{ causationId: In(ids) }] : []),
      ...(actionIds.length ? [{ actionId: In(actionIds) }] : []),
    ];
    return where.length ? tx.find(ParkedEventEntity, { where }) : Promise.resolve([]);
  }

  async removeParkedMany(tx: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await tx.delete(ParkedEventEntity, ids);
  }

  /** Inserts entries in multi-row statements (unnest of column arrays). */
  async insertEntries(tx: EntityManager, entries: NewEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 5_000) {
      const chunk = entries.slice(i, i + 5_000);
      const column = <K extends keyof NewEntry>(k: K) => chunk.map((e) => e[k]);
      await tx.query(
        `INSERT INTO ledger.entries (origin, index, event_id, event_type, action_id, session_id, session_seq, entry, leaf_hash, payload, payload_sha256, payload_text)
         SELECT o, i, e, t, a, s, q, en, l, p::jsonb, d, p
           FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[])
             AS u(o, i, e, t, a, s, q, en, l, p, d)`,
        [
          column('origin'),
          column('index'),
          column('eventId'),
          column('eventType'),
          column('actionId'),
          column('sessionId'),
          column('sessionSeq'),
          column('entry'),
          column('leafHash'),
          column('payloadText'),
          column('payloadSha256'),
        ],
      );
    }
  }

  async park(tx: EntityManager, parked: Omit<ParkedEventEntity, 'parkedAt'>): Promise<void> {
    await tx.insert(ParkedEventEntity, parked);
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

  /** Logs with entries past their publication cursor (a log without a cursor starts at 0). */
  async originsWithPending(): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT s.origin FROM ledger.log_state s LEFT JOIN ledger.publication p ON p.origin = s.origin
        WHERE s.size > COALESCE(p.next_index, 0) ORDER BY s.origin`,
    )) as Array<{ origin: string }>;
    return rows.map((r) => r.origin);
  }

  async publicationCursor(origin: string): Promise<number> {
    const row = await this.db.manager.findOne(PublicationCursorEntity, { where: { origin } });
    return row?.nextIndex ?? 0;
  }

  async advancePublication(origin: string, nextIndex: number): Promise<void> {
    await this.db.query(
      `INSERT INTO ledger.publication (origin, next_index) VALUES ($1, $2)
       ON CONFLICT (origin) DO UPDATE SET next_index = GREATEST(ledger.publication.next_index, EXCLUDED.next_index), updated_at = now()`,
      [origin, nextIndex],
    );
  }

  /** Entries [from, to) in index order. */
  range(origin: string, from: number, to: number): Promise<LedgerEntryEntity[]> {
    return this.db.manager
      .createQueryBuilder(LedgerEntryEntity, 'e')
      .where('e.origin = :origin AND e.index >= :from AND e.index < :to', { origin, from, to })
      .orderBy('e.index', 'ASC')
      .getMany();
  }

  /** Event ids are unique across every shard. */
  findByEventId(eventId: string): Promise<LedgerEntryEntity | null> {
    return this.db.manager.findOne(LedgerEntryEntity, { where: { eventId } });
  }

  /** An action's entries (one session, hence one shard) in index order. */
  findByAction(actionId: string): Promise<LedgerEntryEntity[]> {
    return this.db.manager.find(LedgerEntryEntity, { where: { actionId }, order: { origin: 'ASC', index: 'ASC' } });
  }

  /**
   * Runs `work` only if no other process is announcing this origin's entries (a session-level
   * advisory lock), so announcements leave in index order. Returns false when another holds it.
   */
  async whileHoldingPublishLock(origin: string, work: () => Promise<void>): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const key = `ledger.publication:${origin}`;
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
