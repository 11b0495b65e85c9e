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
  ReviewApproved,
  ReviewExpired,
  ReviewRejected,
  ReviewRequested,
} from '@verity/contracts';
import { ActionRecord, agentOf, AppendedEntry, applyAppended, shardOf } from './action-projection';

const actionId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const sessionId = 'session-7';
const origin = 'verity.local/ledger/shard-2';
const actor: ActorV1 = {
  subject: 'alice',
  issuer: 'https://idp.example',
  kind: 'agent',
  actingParties: [{ subject: 'agent:sql-helper' }],
  groups: ['analysts'],
};

function entry<T extends object>(def: EventDefinition<T>, index: number, data: T, time: string): AppendedEntry {
  const event = createEvent(def, { source: '/verity/test', actionId, sessionId, actor, data }) as EventEnvelope<object>;
  return { origin, index, leafHash: index.toString(16).padStart(64, '0'), event: { ...event, time } };
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
      agent: 'agent:sql-helper',
      ledgerRefs: [{ origin, shard: 2, index: 10, type: ActionRequested.type, leafHash: requested.leafHash }],
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
      tables: ['customers'],
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

describe('the review on the action row', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString();
  const reviewRequested = entry(
    ReviewRequested,
    30,
    {
      connection: 'demo-db',
      operation: 'sql.query',
      payload: { sql: 'DELETE FROM customers' },
      payloadDigest: 'd'.repeat(64),
      agent: { thought: 'clean up' },
      reasons: ['writes need two approvals'],
      policyIds: ['writes-reviewed'],
      bundleRevision: 'rev-1',
      requiredApprovals: 2,
      distinctGroups: false,
      approverGroups: ['approvers'],
      expiresAt: at(59),
    },
    at(10),
  );
  const approval = (subject: string, s: number) => ({
    subject,
    issuer: 'idp',
    comment: `ok from ${subject}`,
    at: at(s),
  });
  const firstApproval = entry(
    ReviewApproved,
    31,
    { approvals: [approval('bob', 20)], payloadDigest: 'd'.repeat(64), requiredApprovals: 2, complete: false },
    at(20),
  );
  const secondApproval = entry(
    ReviewApproved,
    32,
    {
      approvals: [approval('bob', 20), approval('erin', 25)],
      payloadDigest: 'd'.repeat(64),
      requiredApprovals: 2,
      complete: true,
    },
    at(25),
  );

  it('is pending once requested, with what the reviewers must do', () => {
    const row = fold([requested, reviewRequested]);
    expect(row?.reviewState).toBe('pending');
    expect(row?.reviewRequestedAt).toEqual(new Date(at(10)));
    expect(row?.review).toEqual({
      reviewId: actionId,
      state: 'pending',
      requiredApprovals: 2,
      approverGroups: ['approvers'],
      reasons: ['writes need two approvals'],
      policyIds: ['writes-reviewed'],
      requestedAt: at(10),
      expiresAt: at(59),
      concludedAt: null,
      verdicts: [],
    });
  });

  it('counts each approval once and concludes when complete, whatever the arrival order', () => {
    const inOrder = fold([requested, reviewRequested, firstApproval, secondApproval]);
    expect(inOrder?.review).toMatchObject({
      state: 'approved',
      concludedAt: at(25),
      verdicts: [
        { approver: 'bob', verdict: 'approve', comment: 'ok from bob', at: at(20) },
        { approver: 'erin', verdict: 'approve', comment: 'ok from erin', at: at(25) },
      ],
    });
    expect(fold([secondApproval, requested, firstApproval, reviewRequested])).toEqual(inOrder);
  });

  it('records a rejection with the reviewer and comment', () => {
    const rejected = entry(ReviewRejected, 33, { comment: 'too broad', payloadDigest: 'd'.repeat(64) }, at(30));
    expect(fold([requested, reviewRequested, rejected])?.review).toMatchObject({
      state: 'rejected',
      concludedAt: at(30),
      verdicts: [{ approver: 'alice', verdict: 'reject', comment: 'too broad', at: at(30) }],
    });
  });

  it('expires', () => {
    const expired = entry(ReviewExpired, 34, { expiresAt: at(59), approvals: 0 }, at(59));
    expect(fold([reviewRequested, expired, requested])).toMatchObject({
      reviewState: 'expired',
      review: { state: 'expired', concludedAt: at(59) },
    });
  });
});

describe('shardOf / agentOf', () => {
  it('reads the shard from the origin: shard 0 has none', () => {
    expect(shardOf('verity.local/ledger')).toBe(0);
    expect(shardOf('verity.local/ledger/shard-11')).toBe(11);
  });

  it('names the direct caller, or an agent acting alone, or nobody', () => {
    expect(agentOf(actor)).toBe('agent:sql-helper');
    expect(agentOf({ ...actor, actingParties: [] })).toBe('alice');
    expect(agentOf({ ...actor, kind: 'human', actingParties: [] })).toBeNull();
  });
});
