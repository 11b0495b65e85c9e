import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ActionEntity } from './action.entity';
import { ActionRecord } from './action-projection';
import { Keyset } from './cursor';

export interface ActionFilters {
  sessionId?: string;
  identity?: string;
  agent?: string;
  connection?: string;
  operation?: string;
  table?: string;
  decision?: string;
  status?: string;
  from?: string;
  to?: string;
  q?: string;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class ActionsRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** The actions' rows, locked until the transaction ends (in id order: no deadlocks between batches). */
  async lockActions(tx: EntityManager, actionIds: string[]): Promise<ActionEntity[]> {
    if (actionIds.length === 0) return [];
    return tx
      .createQueryBuilder(ActionEntity, 'a')
      .where('a.actionId IN (:...ids)', { ids: actionIds })
      .orderBy('a.actionId')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Writes the rows (insert or replace), in one statement. */
  async saveActions(tx: EntityManager, rows: ActionRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await tx
      .createQueryBuilder()
      .insert()
      .into(ActionEntity)
      .values(rows.map((r) => ({ ...r, updatedAt: () => 'now()' })) as never)
      .orUpdate(
        this.db
          .getMetadata(ActionEntity)
          .columns.map((c) => c.databaseName)
          .filter((c) => c !== 'action_id'),
        ['action_id'],
      )
      .execute();
  }

  /** Raises the origin's high-water mark (never lowers it). */
  async recordApplied(tx: EntityManager, origin: string, index: number): Promise<void> {
    await tx.query(
      `INSERT INTO "audit"."projection_state" ("origin", "last_index") VALUES ($1, $2)
       ON CONFLICT ("origin") DO UPDATE
       SET "last_index" = GREATEST("projection_state"."last_index", EXCLUDED."last_index"), "updated_at" = now()`,
      [origin, index],
    );
  }

  findAction(actionId: string): Promise<ActionEntity | null> {
    return this.db.manager.findOne(ActionEntity, { where: { actionId } });
  }

  /** Requested actions matching every filter, newest first, after the cursor. */
  list(filters: ActionFilters, limit: number, after?: Keyset): Promise<ActionEntity[]> {
    const query = this.db.manager.createQueryBuilder(ActionEntity, 'a').where('a.requestedAt IS NOT NULL');
    if (filters.sessionId) query.andWhere('a.sessionId = :sessionId', { sessionId: filters.sessionId });
    if (filters.identity) {
      query.andWhere(`(a.identitySubject = :identity OR a.actor -> 'actingParties' @> :party::jsonb)`, {
        identity: filters.identity,
        party: JSON.stringify([{ subject: filters.identity }]),
      });
    }
    if (filters.agent) query.andWhere('a.agent = :agent', { agent: filters.agent });
    if (filters.connection) query.andWhere('a.connection = :connection', { connection: filters.connection });
    if (filters.operation) query.andWhere('a.operation = :operation', { operation: filters.operation });
    if (filters.table) query.andWhere('a.tables @> ARRAY[:table]::text[]', { table: filters.table });
    if (filters.decision) query.andWhere('a.decision = :decision', { decision: filters.decision });
    if (filters.status) query.andWhere('a.status = :status', { status: filters.status });
    if (filters.from) query.andWhere('a.requestedAt >= :from', { from: filters.from });
    if (filters.to) query.andWhere('a.requestedAt < :to', { to: filters.to });
    if (filters.q) {
      query.andWhere('(a.sql ILIKE :q OR a.agentThought ILIKE :q)', { q: `%${likeLiteral(filters.q)}%` });
    }
    if (after) {
      query.andWhere('(a.requestedAt, a.actionId) < (:afterAt, :afterId)', { afterAt: after.at, afterId: after.id });
    }
    return query.orderBy('a.requestedAt', 'DESC').addOrderBy('a.actionId', 'DESC').limit(limit).getMany();
  }

  /** Actions with a review in `state` (any state when absent), newest review first, after the keyset. */
  listReviews(state: string | undefined, limit: number, after?: Keyset): Promise<ActionEntity[]> {
    const query = this.db.manager.createQueryBuilder(ActionEntity, 'a').where('a.reviewRequestedAt IS NOT NULL');
    if (state) query.andWhere('a.reviewState = :state', { state });
    if (after) {
      query.andWhere('(a.reviewRequestedAt, a.actionId) < (:afterAt, :afterId)', {
        afterAt: after.at,
        afterId: after.id,
      });
    }
    return query.orderBy('a.reviewRequestedAt', 'DESC').addOrderBy('a.actionId', 'DESC').limit(limit).getMany();
  }

  /**
   * Actions requested before `before` with no outcome and no pending review, not raised yet:
   * orphaned intents. Oldest first, at most `limit`.
   */
  listOpen(before: Date, limit: number): Promise<ActionEntity[]> {
    return this.db.manager
      .createQueryBuilder(ActionEntity, 'a')
      .where('a.completedAt IS NULL')
      .andWhere('a.requestedAt < :before', { before })
      .andWhere(`(a.reviewState IS NULL OR a.reviewState <> 'pending')`)
      .andWhere(`NOT EXISTS (SELECT 1 FROM "audit"."orphan_sweeps" o WHERE o.action_id = a.action_id)`)
      .orderBy('a.requestedAt', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** A session's actions in the agent's step order, then time. */
  listSession(sessionId: string): Promise<ActionEntity[]> {
    return this.db.manager
      .createQueryBuilder(ActionEntity, 'a')
      .where('a.sessionId = :sessionId', { sessionId })
      .orderBy('a.agentStep', 'ASC', 'NULLS LAST')
      .addOrderBy('a.requestedAt', 'ASC', 'NULLS LAST')
      .addOrderBy('a.actionId', 'ASC')
      .getMany();
  }
}
