/**
 * `npm run audit:rebuild` against the real ledger: agent actions go through all five processes,
 * audit projects them live; the script then empties the views and replays the ledger's evidence
 * export into them, and the session's rows come out the same, row for row.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, testDatabaseUrl, testKafkaBrokers, waitFor } from '@verity/testing';
import { Client } from 'pg';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('audit rebuild from the ledger', () => {
  let platform: RunningPlatform;
  let agentToken: string;
  let complianceToken: string;
  let db: Client;
  const session = `e2e-rebuild-${newId()}`;

  beforeAll(async () => {
    platform = await startPlatform();
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    agentToken = await issuer.mint({ sub: 'alice', groups: ['analysts'], act: { sub: 'agent:rebuild-bot' } });
    complianceToken = await issuer.mint({ sub: 'carol', groups: ['compliance'] });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  it('replays the ledger into views identical to the live ones', async () => {
    const ids: string[] = [];
    for (const [step, sql] of ['SELECT id FROM customers WHERE id = 1', 'SELECT count(*) FROM customers'].entries()) {
      const res = await fetch(`${platform.url.gateway}/v1/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          connection: 'demo-db',
          operation: 'sql.query',
          input: { sql },
          sessionId: session,
          agent: { step: step + 1, thought: `step ${step + 1}` },
        }),
      });
      ids.push(((await res.json()) as Json).actionId);
    }
    const finished = async () => {
      const res = await fetch(`${platform.url.audit}/v1/audit/sessions/${session}`, {
        headers: { authorization: `Bearer ${complianceToken}` },
      });
      if (res.status !== 200) return false;
      const { actions } = (await res.json()) as Json;
      return actions.length === 2 && actions.every((a: Json) => a.status === 'executed');
    };
    await waitFor(finished, { what: 'both actions projected with their outcomes', timeoutMs: 30_000 });

    const snapshot = async () => ({
      actions: (
        await db.query('SELECT * FROM audit.actions WHERE session_id = $1 ORDER BY action_id', [session])
      ).rows.map(({ updated_at: _, ...row }) => row),
      sessions: (await db.query('SELECT * FROM audit.sessions WHERE session_id = $1', [session])).rows,
    });
    const live = await snapshot();
    expect(live.actions.map((a) => a.action_id).sort()).toEqual([...ids].sort());
    expect(live.sessions).toHaveLength(1);

    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'scripts/audit-rebuild.mjs'), '--ledger', platform.url.ledger],
      {
        env: { ...process.env, DATABASE_URL: testDatabaseUrl(), KAFKA_BROKERS: testKafkaBrokers(), LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/\[audit:rebuild\] replayed \d+ ledger entries/);
    expect(await snapshot()).toEqual(live);
  }, 180_000);
});
