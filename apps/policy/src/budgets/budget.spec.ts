import { ActionDecidedV1 } from '@verity/contracts';
import { applyBudget, BudgetLimits, BudgetUsage } from './budget';

const limits: BudgetLimits = { actions: 3, writes: 1, tables: 2, rows: 0, onExceed: 'deny' };
const none = { rows: 0, rowsAlerted: false };
const fresh: BudgetUsage = { actions: 0, writes: 0, tables: [], ...none };

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
      usage: { actions: 1, writes: 1, tables: ['customers'], ...none },
      alert: null,
    });
  });

  it('denies the action that crosses a limit, names the budget and raises an alert once', () => {
    const before = { actions: 1, writes: 1, tables: ['customers'], ...none };
    const crossing = applyBudget(decided({}, true, ['orders']), before, limits);
    expect(crossing.decided).toMatchObject({
      decision: 'deny',
      reasons: ['session budget exceeded: writes 2 > 1', 'sql.read allowed by analysts-read'],
      policyIds: ['budget.writes', 'analysts-read'],
      obligations: {},
    });
    expect(crossing.usage).toEqual({ actions: 2, writes: 1, tables: ['customers'], ...none });
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
    const before = { actions: 3, writes: 0, tables: ['a', 'b'], ...none };
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
    const result = applyBudget(denied, { actions: 3, writes: 1, tables: [], ...none }, limits);
    expect(result).toEqual({ decided: denied, usage: { actions: 4, writes: 1, tables: [], ...none }, alert: null });
  });

  it('has no limit where the limit is 0', () => {
    const many = { actions: 10_000, writes: 10_000, tables: [], rows: 10_000_000, rowsAlerted: false };
    const free = { actions: 0, writes: 0, tables: 0, rows: 0, onExceed: 'deny' as const };
    expect(applyBudget(decided({}, true), many, free).decided.decision).toBe('review');
  });

  describe('rows returned', () => {
    const rowLimits = { ...limits, actions: 0, writes: 0, tables: 0, rows: 2500 };

    it('lowers the row cap to what is left of the budget, and counts no rows itself', () => {
      const under = applyBudget(decided(), { ...fresh, rows: 2000 }, rowLimits);
      expect(under.decided).toEqual(
        decided({ obligations: { maskingProfile: 'default', rowLimit: 500, readOnly: true } }),
      );
      expect(under.usage).toEqual({ actions: 1, writes: 0, tables: ['customers'], rows: 2000, rowsAlerted: false });
      expect(under.alert).toBeNull();
      // Far from the limit, the policy's own cap stays.
      expect(applyBudget(decided(), { ...fresh, rows: 10 }, rowLimits).decided.obligations.rowLimit).toBe(1000);
    });

    it('denies an action once the session has returned its rows, and alerts once per session', () => {
      const used = applyBudget(decided(), { ...fresh, rows: 2500 }, rowLimits);
      expect(used.decided).toMatchObject({
        decision: 'deny',
        reasons: ['session budget exceeded: rows 2500 >= 2500', 'sql.read allowed by analysts-read'],
        policyIds: ['budget.rows', 'analysts-read'],
        obligations: {},
      });
      expect(used.alert).toMatchObject({
        kind: 'budget.exceeded',
        message: 'session budget exceeded: rows 2500 >= 2500; action denied',
        details: { budgets: ['rows'], limits: { rows: 2500 }, used: { rows: 2500 }, decision: 'deny' },
      });
      expect(used.usage).toEqual({ actions: 1, writes: 0, tables: [], rows: 2500, rowsAlerted: true });

      const again = applyBudget(decided(), used.usage, rowLimits);
      expect(again.decided.decision).toBe('deny');
      expect(again.alert).toBeNull();
    });

    it('can send to review instead, keeping the policy obligations', () => {
      const over = applyBudget(decided({}, true), { ...fresh, rows: 9000 }, { ...rowLimits, onExceed: 'review' });
      expect(over.decided).toMatchObject({
        decision: 'review',
        policyIds: ['budget.rows', 'analysts-read'],
        obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: false },
      });
      expect(over.alert?.details).toMatchObject({ budgets: ['rows'], decision: 'review' });
    });
  });
});
