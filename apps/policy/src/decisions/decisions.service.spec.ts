import { ActionDecided, ActionRequestedV1, createEvent, digestOf, newId, validateEvent } from '@verity/contracts';
import { SqlAnalysisService } from '../analysis/sql-analysis.service';
import { DecisionsService } from './decisions.service';
import { READ_ONLY_BUNDLE_REVISION } from './read-only.rule';

const analyser = new SqlAnalysisService();
const decisions = new DecisionsService(analyser);
beforeAll(() => analyser.onModuleInit());

function request(sql: string): ActionRequestedV1 {
  const payload = { sql, params: ['secret@example.com'] };
  return { connection: 'demo-db', operation: 'sql.query', payload, payloadDigest: digestOf(payload), agent: {} };
}

/** The decision must be publishable: it passes the ActionDecided contract. */
function expectValidEvent(data: object): void {
  const actor = { subject: 'alice', issuer: 'dev', kind: 'agent' as const, actingParties: [], groups: [] };
  const event = createEvent(ActionDecided, {
    source: '/verity/policy',
    actionId: newId(),
    sessionId: 's-1',
    actor,
    data,
  });
  const checked = validateEvent(ActionDecided, JSON.parse(JSON.stringify(event)));
  expect(checked.ok ? [] : checked.errors).toEqual([]);
}

describe('DecisionsService', () => {
  it('allows a SELECT with the analysis and obligations', () => {
    const decided = decisions.decide(request('SELECT * FROM customers WHERE email = $1'));
    expect(decided).toEqual({
      decision: 'allow',
      reasons: ['every statement is read-only'],
      policyIds: ['builtin.read-only'],
      bundleRevision: READ_ONLY_BUNDLE_REVISION,
      obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: true },
      analysis: { statementKinds: ['SelectStmt'], tablesRead: ['customers'], tablesWritten: [], readOnly: true },
    });
    expectValidEvent(decided);
  });

  it('denies a DELETE, naming the statement and table', () => {
    const decided = decisions.decide(request('DELETE FROM customers'));
    expect(decided).toMatchObject({
      decision: 'deny',
      reasons: ['only read-only statements are allowed; found DeleteStmt on customers'],
      obligations: {},
      analysis: { statementKinds: ['DeleteStmt'], tablesWritten: ['customers'], readOnly: false },
    });
    expectValidEvent(decided);
  });

  it('denies garbage with the parser message and no analysis', () => {
    const decided = decisions.decide(request('this is not sql'));
    expect(decided.decision).toBe('deny');
    expect(decided.reasons).toEqual(['SQL does not parse: syntax error at or near "this"']);
    expect(decided.analysis).toBeUndefined();
    expectValidEvent(decided);
  });

  it('stays publishable when a batch names more tables than the contract lists', () => {
    const tables = Array.from({ length: 1200 }, (_, i) => `t${i}`).join(', ');
    const decided = decisions.decide(request(`SELECT 1 FROM ${tables}; TRUNCATE ${tables}`));
    expect(decided.decision).toBe('deny');
    expect(decided.reasons).toEqual([
      'only read-only statements are allowed; found TruncateStmt on t0, t1, t2, t3, t4 and 1195 more',
    ]);
    expectValidEvent(decided);
  });
});
