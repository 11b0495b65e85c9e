/**
 * Human review on the real stack: a write held by policy, judged through the gateway's
 * reviewer API, run once after another person approves it, and every transition ledgered.
 * Also: self-approval refused, a rejected review denying its action, an expired one failing it.
 */
import path from 'node:path';
import { AuditRead, newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, testDatabaseUrl, testTarget, waitFor } from '@verity/testing';
import { Client } from 'pg';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('human review, end to end', () => {
  let platform: RunningPlatform;
  let db: Client;
  let target: Client;
  const tokens: Record<'agent' | 'alice' | 'bob' | 'mallory', string> = { agent: '', alice: '', bob: '', mallory: '' };
  const session = `e2e-review-${newId()}`;
  // Unique per run: alice is an analyst (whose agent acts for her) and also an approver.
  const alice = `alice-${newId()}`;
  const bob = `bob-${newId()}`;

  const call = async (
    method: string,
    url: string,
    token: string,
    body?: object,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${platform.url.gateway}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  /** The agent asks to append a marker to one customer's notes; policy holds writes for review. */
  const heldWrite = async (marker: string) => {
    const res = await call('POST', '/v1/actions', tokens.agent, {
      connection: 'demo-db',
      operation: 'sql.query',
      input: { sql: "UPDATE customers SET notes = coalesce(notes, '') || $1 WHERE id = 1", params: [marker] },
      sessionId: session,
      agent: {
        step: 1,
        thought: `record ${marker} on the customer, as the ticket asks`,
        tool: 'run_sql',
        model: 'e2e',
      },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending_review' });
    return res.body.actionId as string;
  };

  /** Waits until the gateway lists the review (policy opened it). */
  const listed = (actionId: string) =>
    waitFor(
      async () => {
        const res = await call('GET', '/v1/reviews', tokens.bob);
        return (res.body as Json[]).find((r) => r.actionId === actionId);
      },
      { what: `review of ${actionId} listed` },
    );

  const notes = async () =>
    (await target.query<{ notes: string | null }>('SELECT notes FROM customers WHERE id = 1')).rows[0].notes ?? '';

  const ledgerTypes = (actionId: string, until: (types: string[]) => boolean) =>
    waitFor(
      async () => {
        const { rows } = await db.query<{ event_type: string }>(
          'SELECT event_type FROM ledger.entries WHERE action_id = $1 AND event_type <> $2 ORDER BY index',
          [actionId, AuditRead.type],
        );
        const types = rows.map((r) => r.event_type);
        return until(types) ? types : undefined;
      },
      { what: `ledger entries of ${actionId}` },
    );

  beforeAll(async () => {
    platform = await startPlatform();
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    tokens.agent = await issuer.mint({ sub: alice, groups: ['analysts', 'approvers'], act: { sub: 'agent:ops-bot' } });
    tokens.alice = await issuer.mint({ sub: alice, groups: ['analysts', 'approvers'] });
    tokens.bob = await issuer.mint({ sub: bob, groups: ['approvers'] });
    tokens.mallory = await issuer.mint({ sub: `mallory-${newId()}`, groups: ['analysts'] });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    target = new Client({ connectionString: testDatabaseUrl().replace(/\/[^/]+$/, `/${testTarget('e2e').database}`) });
    await target.connect();
  }, 180_000);

  afterAll(async () => {
    await target?.end();
    await db?.end();
    await platform?.stop();
  });

  it('holds a write, refuses self-approval, runs it once after another person approves, and ledgers each step', async () => {
    const before = await notes();
    const marker = `[approved-${newId().slice(-6)}]`;
    const actionId = await heldWrite(marker);

    // The reviewer sees the exact payload, the agent's reason, the analysis and the policy.
    const review = await listed(actionId);
    expect(review).toMatchObject({
      status: 'pending_review',
      requester: { subject: alice, actingParties: [{ subject: 'agent:ops-bot' }] },
      payload: { sql: expect.stringContaining('UPDATE customers'), params: [marker] },
      agent: { thought: expect.stringContaining(marker) },
      policyIds: ['analysts-write-review'],
      analysis: { tablesWritten: ['customers'] },
      requiredApprovals: 1,
      approvals: [],
    });
    expect(Date.parse(review.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

    // Nothing ran yet.
    expect(await notes()).toBe(before);

    // The requester, with her own token and in the approvers group, may not approve it.
    const self = await call('POST', `/v1/reviews/${actionId}/approve`, tokens.alice, { comment: 'mine, fine' });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('REVIEW.SELF_APPROVAL');
    // Someone outside the reviewer groups does not get in at all.
    const outsider = await call('POST', `/v1/reviews/${actionId}/approve`, tokens.mallory, { comment: 'sure' });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('AUTH.FORBIDDEN');
    // A verdict on a different payload than the one held is refused.
    const stale = await call('POST', `/v1/reviews/${actionId}/approve`, tokens.bob, {
      comment: 'ok',
      payloadDigest: '0'.repeat(64),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('REVIEW.DIGEST_MISMATCH');

    const approved = await call('POST', `/v1/reviews/${actionId}/approve`, tokens.bob, {
      comment: 'ticket confirms it',
      payloadDigest: review.payloadDigest,
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({
      actionId,
      verdict: 'approve',
      outcome: 'approved',
      approvals: 1,
      requiredApprovals: 1,
      complete: true,
    });

    // The agent long-polls its action and gets the result of the run.
    const done = await call('GET', `/v1/actions/${actionId}?wait=30`, tokens.agent);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'executed',
      payloadDigest: review.payloadDigest,
      result: { rowCount: 1 },
      masking: { profile: 'default' },
      review: { approvals: [{ subject: bob, comment: 'ticket confirms it' }] },
    });
    // It ran exactly once, and a second approval is refused.
    expect(await notes()).toBe(before + marker);
    const again = await call('POST', `/v1/reviews/${actionId}/approve`, tokens.bob, { comment: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REVIEW.CLOSED');
    expect(await notes()).toBe(before + marker);

    const types = await ledgerTypes(actionId, (t) => t.includes('verity.action.executed.v1'));
    expect(types.filter((t) => t === 'verity.action.executed.v1')).toHaveLength(1);
    expect(new Set(types)).toEqual(
      new Set([
        'verity.action.requested.v1',
        'verity.action.decided.v1',
        'verity.review.requested.v1',
        'verity.review.verdict-submitted.v1',
        'verity.review.verdict-refused.v1',
        'verity.alert.raised.v1',
        'verity.review.approved.v1',
        'verity.action.executed.v1',
      ]),
    );
    // Three verdicts reached policy (self, wrong digest was stopped at the gateway, bob, bob again).
    expect(types.filter((t) => t === 'verity.review.verdict-submitted.v1').length).toBeGreaterThanOrEqual(2);
  });

  it('answers 404 for a review id that is no action id, and 403 to someone outside the reviewer groups', async () => {
    for (const id of ['-'.repeat(36), 'not-an-id', '00000000-0000-7000-8000-000000000000']) {
      const res = await call('GET', `/v1/reviews/${id}`, tokens.bob);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('REVIEW.NOT_FOUND');
    }
    const outsider = await call('GET', '/v1/reviews', tokens.mallory);
    expect(outsider.status).toBe(403);
  });

  it('denies the action when the reviewer rejects it', async () => {
    const before = await notes();
    const actionId = await heldWrite('[rejected]');
    await listed(actionId);
    const rejected = await call('POST', `/v1/reviews/${actionId}/reject`, tokens.bob, {
      comment: 'no ticket for this',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ outcome: 'rejected', complete: true });
    const done = await call('GET', `/v1/actions/${actionId}?wait=30`, tokens.agent);
    expect(done.body).toMatchObject({ status: 'denied', outcomeCode: 'REVIEW.REJECTED' });
    expect(await notes()).toBe(before);
    await ledgerTypes(
      actionId,
      (t) => t.includes('verity.review.rejected.v1') && t.includes('verity.action.denied.v1'),
    );
  });

  it('fails the action when its review expires', async () => {
    const before = await notes();
    const actionId = await heldWrite('[expired]');
    await listed(actionId);
    // Time runs out for this review (instead of waiting the default 15 minutes).
    await db.query(`UPDATE policy.reviews SET expires_at = now() WHERE action_id = $1`, [actionId]);
    const done = await call('GET', `/v1/actions/${actionId}?wait=30`, tokens.agent);
    expect(done.body).toMatchObject({ status: 'failed', outcomeCode: 'REVIEW.EXPIRED' });
    expect(await notes()).toBe(before);
    const late = await call('POST', `/v1/reviews/${actionId}/approve`, tokens.bob, { comment: 'too late' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('REVIEW.CLOSED');
    await ledgerTypes(actionId, (t) => t.includes('verity.review.expired.v1') && t.includes('verity.action.failed.v1'));
  });
});
