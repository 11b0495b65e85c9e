/**
 * A delegated agent token through all five processes: the agent acts for a human (RFC 8693
 * `act`, nested for a chain), and the audit record and every ledgered event name the human, the
 * agent, the session and the tool call. The same run checks that the target's credentials never
 * appear in a response, an event or any process's log.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuditRead, newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, testDatabaseUrl, waitFor } from '@verity/testing';
import { Client } from 'pg';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('a delegated agent action, end to end', () => {
  let platform: RunningPlatform;
  let issuer: DevIssuer;
  let complianceToken: string;
  let db: Client;
  const human = `alice-${newId()}`;
  const agent = 'agent:support-bot';
  const orchestrator = 'svc:orchestrator';
  const session = `e2e-delegation-${newId()}`;
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  /** Every body the gateway answered in this run, checked for the secret at the end. */
  const answers: string[] = [];

  const act = async (body: object, token: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${platform.url.gateway}/v1/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', traceparent },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: JSON.parse(text) };
  };

  const sqlAction = (sql: string, step: number, connection = 'demo-db') => ({
    connection,
    operation: 'sql.query',
    input: { sql },
    sessionId: session,
    agent: { step, thought: `step ${step}: the user asked for a customer count`, tool: 'run_sql', model: 'e2e-model' },
  });

  beforeAll(async () => {
    platform = await startPlatform({ env: { LOG_LEVEL: 'debug' } });
    issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    complianceToken = await issuer.mint({ sub: `carol-${newId()}`, groups: ['compliance'] });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  it('records the human, the agent chain, the session and the tool call in the audit record and every event', async () => {
    const token = await issuer.mint({
      sub: human,
      groups: ['analysts'],
      act: { sub: agent, act: { sub: orchestrator } },
    });
    const { status, body } = await act(sqlAction('SELECT count(*)::int AS n FROM customers', 7), token);
    expect(status).toBe(200);
    const actionId: string = body.actionId;

    const record: Json = await waitFor(
      async () => {
        const res = await fetch(`${platform.url.audit}/v1/audit/actions/${actionId}`, {
          headers: { authorization: `Bearer ${complianceToken}` },
        });
        if (res.status !== 200) return undefined;
        const view = (await res.json()) as Json;
        return view.status === 'executed' ? view : undefined;
      },
      { timeoutMs: 15_000, what: `the audit record of ${actionId}` },
    );
    // Who triggered it: the human, through the agent, through the orchestrator, in this session and step.
    expect(record).toMatchObject({
      actionId,
      sessionId: session,
      identity: { subject: human, kind: 'agent' },
      actor: {
        subject: human,
        kind: 'agent',
        actingParties: [{ subject: agent }, { subject: orchestrator }],
        groups: ['analysts'],
      },
      step: 7,
      tool: 'run_sql',
      model: 'e2e-model',
      thought: 'step 7: the user asked for a customer count',
      decision: 'allow',
    });

    // Every ledgered event of the action carries the same chain and the caller's trace.
    const { rows } = await waitFor(
      async () => {
        const result = await db.query<{ index: string; event_type: string; payload: Json }>(
          'SELECT index, event_type, payload FROM ledger.entries WHERE action_id = $1 AND event_type <> $2 ORDER BY index',
          [actionId, AuditRead.type],
        );
        return result.rows.length >= 3 ? result : undefined;
      },
      { what: `the ledger entries of ${actionId}` },
    );
    expect(rows.map((r) => r.event_type)).toEqual([
      'verity.action.requested.v1',
      'verity.action.decided.v1',
      'verity.action.executed.v1',
    ]);
    for (const row of rows) {
      expect(row.payload.actor).toMatchObject({
        subject: human,
        actingParties: [{ subject: agent }, { subject: orchestrator }],
      });
      expect(row.payload.sessionid).toBe(session);
    }
    const gatewayEvents = rows.filter((r) => r.event_type !== 'verity.action.decided.v1');
    for (const row of gatewayEvents) expect(row.payload.traceparent).toBe(traceparent);
    // The agent can learn where its action's outcome sits in the ledger.
    const stored: Json = await waitFor(
      async () => {
        const res = await fetch(`${platform.url.gateway}/v1/actions/${actionId}?wait=5`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const view = (await res.json()) as Json;
        return view.ledgerIndex === null ? undefined : view;
      },
      { what: `the ledger index of ${actionId}` },
    );
    expect(stored).toMatchObject({ status: 'executed', ledgerIndex: Number(rows[2].index) });
    expect(rows[0].payload.data.agent).toEqual({
      step: 7,
      thought: 'step 7: the user asked for a customer count',
      tool: 'run_sql',
      model: 'e2e-model',
    });
  });

  it('never shows the target credentials in a response, an event or any log line', async () => {
    const secret = readFileSync(path.join(REPO_ROOT, '.verity', 'e2e', 'secrets', 'demo-db.password'), 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(12);
    const token = await issuer.mint({ sub: human, groups: ['analysts'], act: { sub: agent } });
    // Success, a statement the database rejects, a write policy denies or holds, and a target that is down
    // (down-db carries the same password): each path that could leak it.
    expect((await act(sqlAction('SELECT id FROM customers ORDER BY id LIMIT 1', 8), token)).status).toBe(200);
    expect((await act(sqlAction('SELECT * FROM no_such_table', 9), token)).status).toBe(422);
    expect([202, 403]).toContain((await act(sqlAction('DELETE FROM customers', 10), token)).status);
    const down = await act(sqlAction('SELECT 1', 11, 'down-db'), token);
    expect(down.status).toBe(502);
    expect(down.body.error.code).toBe('TARGET.UNAVAILABLE');
    // Asking the target itself for its settings must not reveal the password either.
    await act(sqlAction("SELECT current_setting('password_encryption') AS p", 12), token);

    const { rows } = await waitFor(
      async () => {
        const result = await db.query<{ payload: Json }>('SELECT payload FROM ledger.entries WHERE session_id = $1', [
          session,
        ]);
        return result.rows.some((r) => r.payload.data?.code === 'TARGET.UNAVAILABLE') ? result : undefined;
      },
      { what: 'the failed action in the ledger' },
    );
    // Give every process a moment's worth of logs: wait until the gateway logged the failure.
    await waitFor(() => platform.output.gateway.join('').includes('TARGET.UNAVAILABLE'), {
      what: 'the gateway to log the target failure',
    });

    expect(answers.length).toBeGreaterThanOrEqual(5);
    for (const answer of answers) expect(answer).not.toContain(secret);
    expect(JSON.stringify(rows)).not.toContain(secret);
    for (const [app, lines] of Object.entries(platform.output)) {
      const log = lines.join('');
      expect(log.length).toBeGreaterThan(0);
      if (log.includes(secret)) throw new Error(`the target password appears in the ${app} log`);
    }
  });
});
