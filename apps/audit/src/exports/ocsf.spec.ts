import { ActionView } from '../actions/dto/action.view';
import { API_ACTIVITY, DATASTORE_ACTIVITY, OCSF_REQUIRED, OCSF_VERSION, toOcsf } from './ocsf';

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

/** Every required attribute present and non-empty, and the class's invariants (see ocsf.ts for the source). */
function problemsOf(record: Record<string, unknown>): string[] {
  const classUid = record.class_uid as number;
  const required = OCSF_REQUIRED[classUid];
  if (!required) return [`unknown class_uid ${classUid}`];
  const empty = (v: unknown) =>
    v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);
  const problems = required.filter((k) => empty(record[k])).map((k) => `missing ${k}`);
  const metadata = record.metadata as { version?: string; product?: { name?: string; vendor_name?: string } };
  if (metadata?.version !== OCSF_VERSION) problems.push('metadata.version');
  if (empty(metadata?.product?.vendor_name)) problems.push('metadata.product.vendor_name');
  if (record.category_uid !== 6) problems.push('category_uid');
  if (record.type_uid !== classUid * 100 + (record.activity_id as number)) problems.push('type_uid');
  if (!Number.isInteger(record.time)) problems.push('time');
  if (![0, 1, 2, 3, 4, 5, 6].includes(record.severity_id as number)) problems.push('severity_id');
  if (classUid === API_ACTIVITY && empty((record.api as { operation?: string })?.operation)) {
    problems.push('api.operation');
  }
  return problems;
}

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
