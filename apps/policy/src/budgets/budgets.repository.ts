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

  async save(tx: EntityManager, budget: SessionBudgetEntity, record: Omit<DecisionRecordEntity, 'decidedAt'>) {
    await tx.save(SessionBudgetEntity, budget);
    await tx.save(DecisionRecordEntity, record);
  }
}
