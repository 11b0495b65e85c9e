import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DecisionRecordEntity } from './decision-record.entity';
import { SessionBudgetEntity } from './session-budget.entity';

@Injectable()
export class BudgetsRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  findDecision(tx: EntityManager, actionId: string): Promise<DecisionRecordEntity | null> {
    return tx.findOne(DecisionRecordEntity, { where: { actionId } });
  }

  /** The session's budget row, created when missing, locked until the transaction ends. */
  async lockBudget(tx: EntityManager, sessionId: string): Promise<SessionBudgetEntity> {
    await tx.query(
      `INSERT INTO "policy"."session_budgets" ("session_id") VALUES ($1) ON CONFLICT ("session_id") DO NOTHING`,
      [sessionId],
    );
    return tx.findOneOrFail(SessionBudgetEntity, { where: { sessionId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Adds the rows one action returned to its session, once: the action's decision record takes
   * the count only while it has none, in the same statement. Returns the session's new total, or
   * null when the action has no decision here or was counted already.
   */
  async addRows(actionId: string, rows: number): Promise<{ sessionId: string; rows: number } | null> {
    const found: { session_id: string; rows: number }[] = await this.db.query(
      `WITH counted AS (
         UPDATE "policy"."decisions" SET "rows_returned" = $2
         WHERE "action_id" = $1 AND "rows_returned" IS NULL
         RETURNING "session_id"
       )
       UPDATE "policy"."session_budgets" AS b
       SET "rows" = LEAST(b."rows"::bigint + $2, 2147483647), "updated_at" = now()
       FROM counted WHERE b."session_id" = counted."session_id"
       RETURNING b."session_id", b."rows"`,
      [actionId, rows],
    );
    return found.length > 0 ? { sessionId: found[0].session_id, rows: found[0].rows } : null;
  }

  /**
   * Writes the session's new counts and the decision record: one UPDATE of the row locked by
   * lockBudget and one INSERT (a record already there was found before; a concurrent duplicate
   * fails on the key). `save` would first SELECT each to choose between INSERT and UPDATE.
   */
  async save(tx: EntityManager, budget: SessionBudgetEntity, record: Omit<DecisionRecordEntity, 'decidedAt'>) {
    const { actions, writes, tables, rows, rowsAlerted } = budget;
    await tx.update(
      SessionBudgetEntity,
      { sessionId: budget.sessionId },
      { actions, writes, tables, rows, rowsAlerted },
    );
    // The jsonb columns' types are wider than TypeORM's deep-partial type admits.
    await tx.insert(DecisionRecordEntity, record as Parameters<EntityManager['insert']>[1]);
  }
}
