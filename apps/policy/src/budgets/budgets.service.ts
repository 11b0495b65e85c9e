import { Injectable } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { ActionDecidedV1, ActionRequestedV1, ActorV1, AlertRaisedV1 } from '@verity/contracts';
import { PolicyConfig } from '../config/policy.config';
import { DecisionsService } from '../decisions/decisions.service';
import { applyBudget, BudgetLimits } from './budget';
import { BudgetsRepository } from './budgets.repository';

export interface SessionDecision {
  decided: ActionDecidedV1;
  alert: AlertRaisedV1 | null;
}

/**
 * Decides an action within its session's budget. The decision and the session's new counts are
 * written in one transaction (the session row locked), so concurrent actions of one session count
 * exactly once each, and a redelivered request gets the decision it already had.
 */
@Injectable()
export class BudgetsService {
  private readonly limits: BudgetLimits;

  constructor(
    private readonly decisions: DecisionsService,
    private readonly repository: BudgetsRepository,
  ) {
    const config = loadConfig(PolicyConfig);
    this.limits = {
      actions: config.POLICY_BUDGET_ACTIONS,
      writes: config.POLICY_BUDGET_WRITES,
      tables: config.POLICY_BUDGET_TABLES,
      rows: config.POLICY_BUDGET_ROWS,
      onExceed: config.POLICY_BUDGET_ON_EXCEED,
    };
  }

  decide(actionId: string, sessionId: string, request: ActionRequestedV1, actor: ActorV1): Promise<SessionDecision> {
    return this.repository.transaction(async (tx) => {
      const earlier = await this.repository.findDecision(tx, actionId);
      if (earlier) return { decided: earlier.decided, alert: earlier.alert };
      const budget = await this.repository.lockBudget(tx, sessionId);
      const decided = this.decisions.decide(request, actor, sessionId);
      const result = applyBudget(decided, budget, this.limits);
      Object.assign(budget, result.usage);
      await this.repository.save(tx, budget, {
        actionId,
        sessionId,
        decided: result.decided,
        alert: result.alert,
        rowsReturned: null,
      });
      return { decided: result.decided, alert: result.alert };
    });
  }

  /** Counts the rows an action returned against its session (once, however often it is delivered). */
  countRows(actionId: string, rows: number): Promise<{ sessionId: string; rows: number } | null> {
    return this.repository.addRows(actionId, rows);
  }
}
