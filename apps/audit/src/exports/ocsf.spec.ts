import { ActionView } from '../actions/dto/action.view';
import { API_ACTIVITY, DATASTORE_ACTIVITY, ocsfProblems as problemsOf, toOcsf } from './ocsf';

const base: ActionView = {
  actionId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  sessionId: 'session-7',
  status: 'executed',
  identity: { subject: 'alice', issuer: 'idp', kind: 'agent' },
  actor: null,
  agent: 'agent:sql-helper',
  connection: 'demo-db',
  operation: 'sql.query',
  sql: 'SELECT email FROM customers',
  params: null,
  http: null,
  payloadDigest: 'a'.repeat(64),
  step: 1,
  thought: 'look it up',
  tool: 'sql',
  model: 'm',
  requestedAt: '2026-01-01T10:00:00.000Z',
  decision: 'allow',
  reasons: [],
  policyIds: ['p'],
  bundleRevision: 'r',
  obligations: null,
  analysis: { statementKinds: ['select'], tablesRead: ['customers'], tablesWritten: [], readOnly: true },
  decidedAt: '2026-01-01T10:00:01.000Z',
  tables: ['customers'],
  reviews: [],
  result: null,
  masking: null,
  resultDigest: null,
  executedPayloadDigest: null,
  durationMs: 5,
  error: null,
  completedAt: '2026-01-01T10:00:02.000Z',
  ledgerRefs: [],
  updatedAt: '2026-01-01T10:00:02.000Z',
};

describe('OCSF export', () => {
  it('maps a query to Datastore Activity (6005), Query, with every required attribute', () => {
    const record = toOcsf(base);
    expect(problemsOf(record)).toEqual([]);
    expect(record).toMatchObject({ class_uid: DATASTORE_ACTIVITY, activity_id: 4, type_uid: 600504, status_id: 1 });
  });

  it('maps an HTTP request to API Activity (6003) by its method', () => {
    for (const [method, activity] of [
      ['GET', 2],
      ['POST', 1],
      ['PATCH', 3],
      ['DELETE', 4],
    ] as const) {
      const record = toOcsf({ ...base, operation: 'http.request', sql: null, http: { method, path: '/v1/x' } });
      expect(problemsOf(record)).toEqual([]);
      expect(record).toMatchObject({
        class_uid: API_ACTIVITY,
        activity_id: activity,
        api: { operation: `${method} /v1/x` },
      });
    }
  });

  it('keeps the required attributes for an action known only by its request, and a denied one', () => {
    const bare = toOcsf({
      ...base,
      identity: null,
      agent: null,
      analysis: null,
      status: 'requested',
      completedAt: null,
    });
    expect(problemsOf(bare)).toEqual([]);
    const denied = toOcsf({ ...base, decision: 'deny', status: 'denied' });
    expect(problemsOf(denied)).toEqual([]);
    expect(denied).toMatchObject({ status_id: 2, severity_id: 3 });
  });

  it('the check itself catches a record without a required attribute', () => {
    const { actor: _actor, ...withoutActor } = toOcsf(base);
    expect(problemsOf(withoutActor)).toEqual(['missing actor']);
  });
});
