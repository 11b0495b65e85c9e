import { ActionDecidedV1, AlertRaisedV1 } from '@verity/contracts';

export interface BudgetLimits {
  /** 0 = no limit. */
  actions: number;
  writes: number;
  tables: number;
  /** Rows returned to the session's actions (counted from action.executed). */
  rows: number;
  /** What crossing a limit does to an action that policy would allow or review. */
  onExceed: 'deny' | 'review';
}

export interface BudgetUsage {
  actions: number;
  writes: number;
  tables: string[];
  /** Rows returned so far; added when the session's actions have run (see RowsConsumer). */
  rows: number;
  /** Whether the rows budget already raised its alert (rows are counted after the decisions). */
  rowsAlerted: boolean;
}

type Budget = 'actions' | 'writes' | 'tables' | 'rows';

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
 *
 * Rows are known only after an action ran, so the rows budget works the other way round: an action
 * in a session whose returned rows have reached the limit is denied (or sent to review), with one
 * alert per session; until then an action's row cap is lowered to what is left of the budget.
 */
export function applyBudget(decided: ActionDecidedV1, before: BudgetUsage, limits: BudgetLimits): Budgeted {
  const analysis = decided.analysis;
  const writes = analysis && !analysis.readOnly ? 1 : 0;
  const touched = analysis ? [...analysis.tablesRead, ...analysis.tablesWritten] : [];
  const tables = [...new Set([...before.tables, ...touched])];
  const wouldBe: Record<Budget, number> = {
    actions: before.actions + 1,
    writes: before.writes + writes,
    tables: tables.length,
    rows: before.rows,
  };
  const counted: BudgetUsage = { ...before, actions: wouldBe.actions };
  if (decided.decision === 'deny') return { decided, usage: counted, alert: null };

  const over = (k: Budget) => limits[k] > 0 && (k === 'rows' ? wouldBe.rows >= limits.rows : wouldBe[k] > limits[k]);
  const crossed = (['actions', 'writes', 'tables', 'rows'] as const).filter(over);
  if (crossed.length === 0) {
    const left = limits.rows > 0 ? limits.rows - before.rows : Infinity;
    const { rowLimit } = decided.obligations;
    const capped = rowLimit !== undefined && left < rowLimit ? { ...decided.obligations, rowLimit: left } : undefined;
    return {
      decided: capped ? { ...decided, obligations: capped } : decided,
      usage: { ...before, actions: wouldBe.actions, writes: wouldBe.writes, tables },
      alert: null,
    };
  }
  const was = { actions: before.actions, writes: before.writes, tables: before.tables.length };
  const firstCrossing = crossed.filter((k) => (k === 'rows' ? !before.rowsAlerted : was[k] <= limits[k]));
  const describe = (k: Budget) => `${k} ${wouldBe[k]} ${k === 'rows' ? '>=' : '>'} ${limits[k]}`;
  const found = crossed.map(describe).join(', ');
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
          message: `session budget exceeded: ${firstCrossing.map(describe).join(', ')}; action ${decision === 'deny' ? 'denied' : 'sent to review'}`,
          details: {
            budgets: firstCrossing,
            limits: Object.fromEntries(firstCrossing.map((k) => [k, limits[k]])),
            used: Object.fromEntries(firstCrossing.map((k) => [k, wouldBe[k]])),
            decision,
          },
        };
  return {
    decided: budgeted,
    usage: { ...counted, rowsAlerted: before.rowsAlerted || crossed.includes('rows') },
    alert,
  };
}
