import { ActionDecidedV1, AlertRaisedV1 } from '@verity/contracts';

export interface BudgetLimits {
  /** 0 = no limit. */
  actions: number;
  writes: number;
  tables: number;
  /** What crossing a limit does to an action that policy would allow or review. */
  onExceed: 'deny' | 'review';
}

export interface BudgetUsage {
  actions: number;
  writes: number;
  tables: string[];
}

export interface Budgeted {
  decided: ActionDecidedV1;
  usage: BudgetUsage;
  alert: AlertRaisedV1 | null;
}

/**
 * Applies a session's budget to a policy decision (pure). The action counts against `actions`
 * whatever its decision; its writes and tables count only when it is not denied. When the counts
 * after this action exceed a limit, the action is denied (or sent to review, per `onExceed`),
 * does not count as a write or for its tables, and — on the action that first crosses the
 * limit — an alert is raised.
 */
export function applyBudget(decided: ActionDecidedV1, before: BudgetUsage, limits: BudgetLimits): Budgeted {
  const analysis = decided.analysis;
  const writes = analysis && !analysis.readOnly ? 1 : 0;
  const touched = analysis ? [...analysis.tablesRead, ...analysis.tablesWritten] : [];
  const tables = [...new Set([...before.tables, ...touched])];
  const wouldBe = { actions: before.actions + 1, writes: before.writes + writes, tables: tables.length };
  const counted = { actions: wouldBe.actions, writes: before.writes, tables: before.tables };
  if (decided.decision === 'deny') return { decided, usage: counted, alert: null };

  const crossed = (['actions', 'writes', 'tables'] as const).filter((k) => limits[k] > 0 && wouldBe[k] > limits[k]);
  if (crossed.length === 0) {
    return { decided, usage: { actions: wouldBe.actions, writes: wouldBe.writes, tables }, alert: null };
  }
  const was = { actions: before.actions, writes: before.writes, tables: before.tables.length };
  const firstCrossing = crossed.filter((k) => was[k] <= limits[k]);
  const found = crossed.map((k) => `${k} ${wouldBe[k]} > ${limits[k]}`).join(', ');
  const decision = limits.onExceed;
  const budgeted: ActionDecidedV1 = {
    ...decided,
    decision,
    reasons: [`session budget exceeded: ${found}`, ...decided.reasons].slice(0, 100),
    policyIds: [...crossed.map((k) => `budget.${k}`), ...decided.policyIds].slice(0, 100),
    obligations: decision === 'deny' ? {} : decided.obligations,
  };
  const alert: AlertRaisedV1 | null =
    firstCrossing.length === 0
      ? null
      : {
          kind: 'budget.exceeded',
          severity: 'warning',
          message: `session budget exceeded: ${firstCrossing.map((k) => `${k} ${wouldBe[k]} > ${limits[k]}`).join(', ')}; action ${decision === 'deny' ? 'denied' : 'sent to review'}`,
          details: {
            budgets: firstCrossing,
            limits: Object.fromEntries(firstCrossing.map((k) => [k, limits[k]])),
            used: Object.fromEntries(firstCrossing.map((k) => [k, wouldBe[k]])),
            decision,
          },
        };
  return { decided: budgeted, usage: counted, alert };
}
