/**
 * Policy decisions through the five processes, on the real broker and PostgreSQL, with the
 * default Cedar bundle (deploy/policies): a read runs, a DELETE without WHERE is denied with its
 * reason, a write waits for review, and each decision names the bundle revision and its policies.
 */
import path from 'node:path';
import { ActionDecidedV1, newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, testDatabaseUrl, waitFor } from '@verity/testing';
import { Client } from 'pg';
import { bundleRevision, readBundleFiles } from '../../apps/policy/src/bundle/policy-bundle';

describe('policy decisions, end to end', () => {
  let platform: RunningPlatform;
  let analyst: string;
  let db: Client;
  const session = `e2e-policy-${newId()}`;
  const revision = bundleRevision(readBundleFiles(path.join(REPO_ROOT, 'deploy/policies')));

  const act = (sql: string, step: number) =>
    fetch(`${platform.url.gateway}/v1/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        connection: 'demo-db',
        operation: 'sql.query',
        input: { sql },
        sessionId: session,
        agent: { step, thought: `policy e2e step ${step}`, tool: 'sql', model: 'e2e-model' },
      }),
    });

  /** The ActionDecided the ledger holds for an action. */
  const decision = (actionId: string) =>
    waitFor(
      async () => {
        const { rows } = await db.query<{ payload: { data: ActionDecidedV1 } }>(
          'SELECT payload FROM ledger.entries WHERE action_id = $1 AND event_type = $2',
          [actionId, 'verity.action.decided.v1'],
        );
        return rows[0]?.payload.data;
      },
      { what: `ledgered decision of ${actionId}` },
    );

  beforeAll(async () => {
    platform = await startPlatform();
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    analyst = await issuer.mint({ sub: 'dana', groups: ['analysts'], act: { sub: 'agent:report-bot' } });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  it('allows an analyst read and records the revision and the policy that permitted it', async () => {
    const res = await act('SELECT id, full_name FROM customers ORDER BY id LIMIT 2', 1);
    expect(res.status).toBe(200);
    const { actionId } = (await res.json()) as { actionId: string };
    expect(await decision(actionId)).toMatchObject({
      decision: 'allow',
      bundleRevision: revision,
      policyIds: ['analysts-read'],
      reasons: ['sql.read allowed by analysts-read'],
      obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: true },
    });
  });

  it('denies a DELETE without WHERE with its reason and policy', async () => {
    const res = await act('DELETE FROM customers', 2);
    expect(res.status).toBe(403);
    const body = (await res.json()) as {
      error: { code: string; details: { actionId: string; reasons: string[]; policyIds: string[] } };
    };
    expect(body.error.code).toBe('POLICY.DENIED');
    expect(body.error.details.policyIds).toEqual(['no-delete-without-where']);
    expect(body.error.details.reasons).toEqual([
      'sql.write forbidden by no-delete-without-where (DELETE without WHERE removes every row); found DeleteStmt with no WHERE on customers',
    ]);
    expect(await decision(body.error.details.actionId)).toMatchObject({
      decision: 'deny',
      bundleRevision: revision,
      policyIds: ['no-delete-without-where'],
    });
  });

  it('sends a write to review: the gateway answers 202', async () => {
    const res = await act("UPDATE customers SET full_name = 'Renamed' WHERE id = -1", 3);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { actionId: string; status: string };
    expect(body.status).toBe('pending_review');
    expect(await decision(body.actionId)).toMatchObject({
      decision: 'review',
      bundleRevision: revision,
      policyIds: ['analysts-write-review'],
      reasons: [expect.stringContaining('found UpdateStmt on customers')],
    });
  });

  it('denies DDL and administration, and what no policy permits', async () => {
    const drop = await act('DROP TABLE customers', 4);
    expect(drop.status).toBe(403);
    const doBlock = await act('DO $$ BEGIN PERFORM 1; END $$', 5);
    expect(doBlock.status).toBe(403);
    expect(((await doBlock.json()) as { error: { details: { policyIds: string[] } } }).error.details.policyIds).toEqual(
      ['no-admin'],
    );
  });
});
