import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../actions/cursor';
import { Contribution } from './contribution';
import { ConnectionSummaryEntity, IdentitySummaryEntity, SessionSummaryEntity } from './summary.entity';

const COLUMNS: [keyof Contribution, string][] = [
  ['actions', 'action_count'],
  ['allowed', 'allowed_count'],
  ['denied', 'denied_count'],
  ['reviewed', 'review_count'],
  ['executed', 'executed_count'],
  ['failed', 'failed_count'],
  ['deniedOutcome', 'denied_outcome_count'],
  ['pendingReview', 'pending_review_count'],
];

export interface SessionFilters {
  identity?: string;
  from?: string;
  to?: string;
}

@Injectable()
export class SummariesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Adds `delta` to the row keyed `key` of `table` (creating it), in the caller's transaction.
   * Callers lock summary rows in one fixed order (session, identity, connection), so concurrent
   * projections never deadlock on them.
   */
  async add(
    tx: EntityManager,
    table: 'sessions' | 'identities' | 'connections',
    key: Record<string, string | null>,
    delta: Contribution,
  ): Promise<void> {
    const keyColumns = Object.keys(key);
    const names = [...keyColumns, ...COLUMNS.map(([, c]) => c), 'first_at', 'last_at'];
    const values = [...Object.values(key), ...COLUMNS.map(([k]) => delta[k]), delta.firstAt, delta.lastAt];
    const [pk, ...extra] = keyColumns;
    const sets = [
      ...COLUMNS.map(([, c]) => `"${c}" = t."${c}" + EXCLUDED."${c}"`),
      `"first_at" = LEAST(t."first_at", EXCLUDED."first_at")`,
      `"last_at" = GREATEST(t."last_at", EXCLUDED."last_at")`,
      ...extra.map((c) => `"${c}" = COALESCE(t."${c}", EXCLUDED."${c}")`),
    ];
    await tx.query(
      `INSERT INTO "audit"."${table}" AS t (${names.map((n) => `"${n}"`).join(', ')})
       VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT ("${pk}") DO UPDATE SET ${sets.join(', ')}`,
      values,
    );
  }

  /** Sessions with activity, newest activity first, after the keyset. */
  listSessions(filters: SessionFilters, limit: number, after?: Keyset): Promise<SessionSummaryEntity[]> {
    const query = this.db.manager.createQueryBuilder(SessionSummaryEntity, 's').where('s.lastAt IS NOT NULL');
    if (filters.identity) query.andWhere('s.identity = :identity', { identity: filters.identity });
    if (filters.from) query.andWhere('s.lastAt >= :from', { from: filters.from });
    if (filters.to) query.andWhere('s.firstAt < :to', { to: filters.to });
    if (after) query.andWhere('(s.lastAt, s.sessionId) < (:t, :id)', { t: after.at, id: after.id });
    return query.orderBy('s.lastAt', 'DESC').addOrderBy('s.sessionId', 'DESC').limit(limit).getMany();
  }

  identities(): Promise<IdentitySummaryEntity[]> {
    return this.db.manager.find(IdentitySummaryEntity, { order: { lastAt: 'DESC', identity: 'ASC' } });
  }

  connections(): Promise<ConnectionSummaryEntity[]> {
    return this.db.manager.find(ConnectionSummaryEntity, { order: { lastAt: 'DESC', connection: 'ASC' } });
  }
}
