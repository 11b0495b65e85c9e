import { ActionDecidedV1 } from '@verity/contracts';
import { applyBudget, BudgetLimits, BudgetUsage } from './budget';

const limits: BudgetLimits = { actions: 3, writes: 1, tables: 2, onExceed: 'deny' };
const fresh: BudgetUsage = { actions: 0, writes: 0, tables: [] };

function decided(over: Partial<ActionDecidedV1> = {}, write = false, tables = ['customers']): ActionDecidedV1 {
  return {
    decision: write ? 'review' : 'allow',
    reasons: ['sql.read allowed by analysts-read'],
    policyIds: ['analysts-read'],
    bundleRevision: '0123456789abcdef',
    obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: !write },
    analysis: {
      statementKinds: [write ? 'UpdateStmt' : 'SelectStmt'],
      tablesRead: write ? [] : tables,
      tablesWritten: write ? tables : [],
      readOnly: !write,
    },
    ...over,
  };
}

describe('applyBudget', () => {
  it('counts an action, its write and its tables while under the limits', () => {
    expect(applyBudget(decided({}, true), fresh, limits)).toEqual({
      decided: decided({}, true),
      usage: { actions: 1, writes: 1, tables: ['customers'] },
      alert: null,
    });
  });

  it('denies the action that crosses a limit, names the budget and raises an alert once', () => {
    const before = { actions: 1, writes: 1, tables: ['customers'] };
    const crossing = applyBudget(decided({}, true, ['orders']), before, limits);
    expect(crossing.decided).toMatchObject({
      decision: 'deny',
      reasons: ['session budget exceeded: writes 2 > 1', 'sql.read allowed by analysts-read'],
      policyIds: ['budget.writes', 'analysts-read'],
      obligations: {},
    });
    expect(crossing.usage).toEqual({ actions: 2, writes: 1, tables: ['customers'] });
    expect(crossing.alert).toMatchObject({
      kind: 'budget.exceeded',
      severity: 'warning',
      details: { budgets: ['writes'], limits: { writes: 1 }, used: { writes: 2 }, decision: 'deny' },
    });
    // The next write is denied too, without another alert.
    const again = applyBudget(decided({}, true, ['orders']), { ...before, writes: 2 }, limits);
    expect(again.decided.decision).toBe('deny');
    expect(again.alert).toBeNull();
  });

  it('counts distinct tables and actions, and can send to review instead', () => {
    const before = { actions: 3, writes: 0, tables: ['a', 'b'] };
    const over = applyBudget(decided({}, false, ['a', 'c']), before, { ...limits, onExceed: 'review' });
    expect(over.decided).toMatchObject({
      decision: 'review',
      reasons: ['session budget exceeded: actions 4 > 3, tables 3 > 2', 'sql.read allowed by analysts-read'],
    });
    expect(over.decided.obligations).toEqual({ maskingProfile: 'default', rowLimit: 1000, readOnly: true });
    expect(over.alert?.details).toMatchObject({ budgets: ['actions', 'tables'] });
  });

  it('counts a denied action only as an action, and never turns it into anything else', () => {
    const denied = decided({ decision: 'deny', obligations: {} }, true);
    const result = applyBudget(denied, { actions: 3, writes: 1, tables: [] }, limits);
    expect(result).toEqual({ decided: denied, usage: { actions: 4, writes: 1, tables: [] }, alert: null });
  });

  it('has no limit where the limit is 0', () => {
    const many = { actions: 10_000, writes: 10_000, tables: [] };
    const free = { actions: 0, writes: 0, tables: 0, onExceed: 'deny' as const };
    expect(applyBudget(decided({}, true), many, free).decided.decision).toBe('review');
  });
});
