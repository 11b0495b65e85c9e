import {
  ActionDecided,
  ActionDenied,
  ActionExecuted,
  ActionFailed,
  ActionRequested,
  ActorV1,
  createEvent,
  EventDefinition,
  EventEnvelope,
} from '@verity/contracts';
import { ActionRecord, AppendedEntry, applyAppended } from './action-projection';

const actionId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const sessionId = 'session-7';
const actor: ActorV1 = {
  subject: 'alice',
  issuer: 'https://idp.example',
  kind: 'agent',
  actingParties: [{ subject: 'agent:sql-helper' }],
  groups: ['analysts'],
};

function entry<T extends object>(def: EventDefinition<T>, index: number, data: T, time: string): AppendedEntry {
  const event = createEvent(def, { source: '/verity/test', actionId, sessionId, actor, data }) as EventEnvelope<object>;
  return { index, leafHash: index.toString(16).padStart(64, '0'), event: { ...event, time } };
}

const requested = entry(
  ActionRequested,
  10,
  {
    connection: 'demo-db',
    operation: 'sql.query',
    payload: { sql: 'SELECT * FROM customers WHERE id = $1', params: [42] },
    payloadDigest: 'a'.repeat(64),
    agent: { step: 3, thought: 'look up the customer', tool: 'sql', model: 'gpt-x' },
  },
  '2026-01-01T10:00:00.000Z',
);
const decided = entry(
  ActionDecided,
  11,
  {
    decision: 'allow',
    reasons: ['analysts may read'],
    policyIds: ['read-only'],
    bundleRevision: 'rev-1',
    obligations: { maskingProfile: 'default', rowLimit: 100 },
    analysis: { statementKinds: ['select'], tablesRead: ['customers'], tablesWritten: [], readOnly: true },
  },
  '2026-01-01T10:00:01.000Z',
);
const executed = entry(
  ActionExecuted,
  14,
  {
    payloadDigest: 'a'.repeat(64),
    resultDigest: 'b'.repeat(64),
    result: { columns: ['email'], rows: [['[EMAIL]']], rowCount: 1, truncated: false },
    masking: { profile: 'default', maskedValues: 1, fields: [{ field: 'email', entities: { EMAIL: 1 } }] },
    durationMs: 12,
  },
  '2026-01-01T10:00:02.000Z',
);

const fold = (entries: AppendedEntry[]): ActionRecord | null =>
  entries.reduce<ActionRecord | null>((row, e) => applyAppended(row, e) ?? row, null);

describe('applyAppended', () => {
  it('starts a row from the request: identity, actor, statement and the agent step', () => {
    const row = applyAppended(null, requested);
    expect(row).toMatchObject({
      actionId,
      sessionId,
      status: 'requested',
      identitySubject: 'alice',
      identityIssuer: 'https://idp.example',
      identityKind: 'agent',
      actor,
      connection: 'demo-db',
      operation: 'sql.query',
      sql: 'SELECT * FROM customers WHERE id = $1',
      params: [42],
      payloadDigest: 'a'.repeat(64),
      agentStep: 3,
      agentThought: 'look up the customer',
      agentTool: 'sql',
      agentModel: 'gpt-x',
      requestedAt: new Date('2026-01-01T10:00:00.000Z'),
      decision: null,
      ledgerRefs: [{ index: 10, type: ActionRequested.type, leafHash: requested.leafHash }],
    });
  });

  it('adds the decision, then the execution, keeping earlier fields', () => {
    const row = fold([requested, decided, executed]);
    expect(row).toMatchObject({
      status: 'executed',
      sql: 'SELECT * FROM customers WHERE id = $1',
      decision: 'allow',
      reasons: ['analysts may read'],
      policyIds: ['read-only'],
      bundleRevision: 'rev-1',
      obligations: { maskingProfile: 'default', rowLimit: 100 },
      analysis: { statementKinds: ['select'], tablesRead: ['customers'], tablesWritten: [], readOnly: true },
      decidedAt: new Date('2026-01-01T10:00:01.000Z'),
      result: { columns: ['email'], rows: [['[EMAIL]']], rowCount: 1, truncated: false },
      masking: { profile: 'default', maskedValues: 1, fields: [{ field: 'email', entities: { EMAIL: 1 } }] },
      resultDigest: 'b'.repeat(64),
      executedPayloadDigest: 'a'.repeat(64),
      durationMs: 12,
      completedAt: new Date('2026-01-01T10:00:02.000Z'),
    });
    expect(row?.ledgerRefs.map((r) => r.index)).toEqual([10, 11, 14]);
  });

  it('returns null for an entry it has already applied', () => {
    const row = fold([requested, decided]);
    expect(applyAppended(row, decided)).toBeNull();
    expect(applyAppended(row, requested)).toBeNull();
  });

  it('reaches the same row whatever order the entries arrive in', () => {
    const inOrder = fold([requested, decided, executed]);
    expect(fold([executed, requested, decided])).toEqual(inOrder);
    expect(fold([decided, executed, requested])).toEqual(inOrder);
  });

  it('never lets an outcome fall back to an earlier status', () => {
    const row = fold([requested, executed]);
    expect(applyAppended(row, decided)?.status).toBe('executed');
  });

  it('records a failure with its stage, code and message', () => {
    const failed = entry(
      ActionFailed,
      12,
      { stage: 'execution', code: 'TARGET.UNAVAILABLE', message: 'connection refused' },
      '2026-01-01T10:00:03.000Z',
    );
    expect(fold([requested, decided, failed])).toMatchObject({
      status: 'failed',
      failureStage: 'execution',
      errorCode: 'TARGET.UNAVAILABLE',
      errorMessage: 'connection refused',
      completedAt: new Date('2026-01-01T10:00:03.000Z'),
    });
  });

  it('records a denial, with the decision reasons', () => {
    const deny = entry(
      ActionDecided,
      11,
      {
        decision: 'deny',
        reasons: ['writes are forbidden'],
        policyIds: ['no-writes'],
        bundleRevision: 'rev-1',
        obligations: {},
      },
      '2026-01-01T10:00:01.000Z',
    );
    const denied = entry(
      ActionDenied,
      12,
      { reasons: ['writes are forbidden'], policyIds: ['no-writes'] },
      '2026-01-01T10:00:01.500Z',
    );
    expect(fold([requested, deny, denied])).toMatchObject({
      status: 'denied',
      decision: 'deny',
      reasons: ['writes are forbidden'],
      policyIds: ['no-writes'],
      completedAt: new Date('2026-01-01T10:00:01.500Z'),
    });
  });

  it('takes the identity from the first event until the request supplies it', () => {
    const early = applyAppended(null, decided);
    expect(early).toMatchObject({ status: 'decided', identitySubject: 'alice', requestedAt: null, sql: null });
  });

  it('leaves optional agent fields null when absent', () => {
    const bare = entry(
      ActionRequested,
      20,
      {
        connection: 'demo-db',
        operation: 'sql.query',
        payload: { sql: 'SELECT 1' },
        payloadDigest: 'c'.repeat(64),
        agent: {},
      },
      '2026-01-01T11:00:00.000Z',
    );
    expect(applyAppended(null, bare)).toMatchObject({
      params: null,
      agentStep: null,
      agentThought: null,
      agentTool: null,
      agentModel: null,
    });
  });
});
