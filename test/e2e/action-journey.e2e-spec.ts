/**
 * One agent action through all five processes, on the real broker and PostgreSQL:
 * gateway → policy → gateway (executes on the demo target) → masking → gateway → ledger → audit.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AuditRead, canonicalJson, newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import {
  REPO_ROOT,
  RunningPlatform,
  startPlatform,
  testDatabaseUrl,
  testKafkaBrokers,
  testTarget,
  waitFor,
} from '@verity/testing';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';

interface LedgerRow {
  index: string;
  event_type: string;
  entry: string;
  leaf_hash: string;
  payload: Record<string, unknown>;
  payload_sha256: string;
}

describe('an agent action, end to end', () => {
  let platform: RunningPlatform;
  let agentToken: string;
  let complianceToken: string;
  let db: Client;
  const session = `e2e-${newId()}`;

  const act = (body: unknown, token = agentToken) =>
    fetch(`${platform.url.gateway}/v1/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const sqlAction = (sql: string, connection = 'demo-db', step = 1) => ({
    connection,
    operation: 'sql.query',
    input: { sql },
    sessionId: session,
    agent: { step, thought: `step ${step}: the user asked about customers`, tool: 'sql', model: 'e2e-model' },
  });

  const auditRecord = async (actionId: string, until: (r: Record<string, unknown>) => boolean) =>
    waitFor(
      async () => {
        const res = await fetch(`${platform.url.audit}/v1/audit/actions/${actionId}`, {
          headers: { authorization: `Bearer ${complianceToken}` },
        });
        if (res.status !== 200) return undefined;
        const record = (await res.json()) as Record<string, unknown>;
        return until(record) ? record : undefined;
      },
      { timeoutMs: 10_000, what: `audit record of ${actionId}` },
    );

  const ledgerRows = async (actionId: string, count: number) =>
    waitFor(
      async () => {
        const { rows } = await db.query<LedgerRow>(
          'SELECT index, event_type, entry, leaf_hash, payload, payload_sha256 FROM ledger.entries WHERE action_id = $1 AND event_type <> $2 ORDER BY index',
          [actionId, AuditRead.type],
        );
        return rows.length >= count ? rows : undefined;
      },
      { what: `${count} ledger entries for ${actionId}` },
    );

  beforeAll(async () => {
    platform = await startPlatform();
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    agentToken = await issuer.mint({ sub: 'alice', groups: ['analysts'], act: { sub: 'agent:support-bot' } });
    complianceToken = await issuer.mint({ sub: 'carol', groups: ['compliance'] });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  it('runs an allowed read, answers with masked rows, ledgers every step and shows it in the audit view', async () => {
    const res = await act(sqlAction('SELECT id, full_name, email FROM customers ORDER BY id LIMIT 3'));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      actionId: string;
      decision: string;
      result: { columns: string[]; rows: unknown[][] };
    };
    expect(answer.decision).toBe('allow');
    expect(answer.result.columns).toEqual(['id', 'full_name', 'email']);
    expect(answer.result.rows).toHaveLength(3);
    for (const row of answer.result.rows) expect(row[2]).toBe('[EMAIL]');
    expect(JSON.stringify(answer)).not.toMatch(/@example\.com/);

    // The ledger holds the action's events once each, in causal order, with RFC 6962 leaf hashes.
    const rows = await ledgerRows(answer.actionId, 3);
    expect(rows.map((r) => r.event_type)).toEqual([
      'verity.action.requested.v1',
      'verity.action.decided.v1',
      'verity.action.executed.v1',
    ]);
    const indices = rows.map((r) => Number(r.index));
    expect([...indices].sort((a, b) => a - b)).toEqual(indices);
    for (const row of rows) {
      const leaf = createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(row.entry, 'utf8')]))
        .digest('hex');
      expect(row.leaf_hash).toBe(leaf);
      const canonical = canonicalJson(row.payload);
      expect(createHash('sha256').update(canonical).digest('hex')).toBe(row.payload_sha256);
      expect(JSON.parse(row.entry)).toMatchObject({ payloadSha256: row.payload_sha256, eventType: row.event_type });
    }
    const executed = rows[2].payload as { data: { result: { rows: unknown[][] } } };
    expect(JSON.stringify(executed.data.result)).not.toMatch(/@example\.com/);

    // The audit view, built from the ledger's stream only.
    const record = await auditRecord(answer.actionId, (r) => r.status === 'executed');
    expect(record).toMatchObject({
      actionId: answer.actionId,
      sessionId: session,
      connection: 'demo-db',
      sql: 'SELECT id, full_name, email FROM customers ORDER BY id LIMIT 3',
      thought: 'step 1: the user asked about customers',
      decision: 'allow',
    });
    expect(JSON.stringify(record)).toContain('alice');
    expect(JSON.stringify(record)).toContain('agent:support-bot');
    expect(JSON.stringify(record)).not.toMatch(/@example\.com/);
  });

  it('denies a write with its reason, ledgers the denial and never runs it', async () => {
    const res = await act(sqlAction('DELETE FROM customers', 'demo-db', 2));
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; details: { actionId: string; reasons: string[] } } };
    expect(body.error.code).toBe('POLICY.DENIED');
    expect(body.error.details.reasons.join(' ')).toMatch(/DeleteStmt/);
    const rows = await ledgerRows(body.error.details.actionId, 3);
    expect(rows.map((r) => r.event_type)).toEqual([
      'verity.action.requested.v1',
      'verity.action.decided.v1',
      'verity.action.denied.v1',
    ]);
    const target = new Client({
      connectionString: testDatabaseUrl().replace(/\/[^/]+$/, `/${testTarget('e2e').database}`),
    });
    await target.connect();
    const { rows: left } = await target.query<{ n: string }>('SELECT count(*) AS n FROM customers');
    await target.end();
    expect(Number(left[0].n)).toBeGreaterThan(0);
    await auditRecord(body.error.details.actionId, (r) => r.status === 'denied');
  });

  it('answers 502 when the target is down and ledgers action.failed', async () => {
    const res = await act(sqlAction('SELECT 1', 'down-db', 3));
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; details?: { actionId?: string } } };
    expect(body.error.code).toBe('TARGET.UNAVAILABLE');
    const { rows } = await waitFor(
      async () => {
        const result = await db.query<{ event_type: string; payload: { data: { code: string } } }>(
          "SELECT event_type, payload FROM ledger.entries WHERE session_id = $1 AND event_type = 'verity.action.failed.v1'",
          [session],
        );
        return result.rows.length > 0 ? result : undefined;
      },
      { what: 'action.failed in the ledger' },
    );
    expect(rows[0].payload.data.code).toBe('TARGET.UNAVAILABLE');
  });

  it('rejects bad requests with precise 4xx errors and no 500', async () => {
    const malformed = await act('{"connection": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('REQUEST.MALFORMED_JSON');

    const invalid = await act({ connection: 'demo-db', operation: 'sql.query', input: {}, surprise: 1 });
    expect(invalid.status).toBe(400);
    const details = ((await invalid.json()) as { error: { details: string[] } }).error.details.join('\n');
    expect(details).toMatch(/surprise/);
    expect(details).toMatch(/sql/);

    const unknown = await act(sqlAction('SELECT 1', 'no-such-db'));
    expect(unknown.status).toBe(404);

    const anonymous = await act(sqlAction('SELECT 1'), 'not-a-token');
    expect(anonymous.status).toBe(401);
  });

  it('dead-letters a malformed message on a topic and keeps serving actions', async () => {
    const kafka = new Kafka({ clientId: 'e2e', brokers: testKafkaBrokers().split(','), logLevel: 0 });
    const reasons: string[] = [];
    const reader = kafka.consumer({ groupId: `e2e.dlq.${newId()}`, maxWaitTimeInMs: 100 });
    await reader.connect();
    await reader.subscribe({ topic: 'gateway.action.requested.v1.dlq', fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === session) reasons.push(message.headers?.['verity-dlq-code']?.toString() ?? '');
      },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'gateway.action.requested.v1',
      messages: [{ key: session, value: '{"specversion":"1.0"}' }],
    });
    await producer.disconnect();
    try {
      // Both consumers of the topic (policy and ledger) set it aside with the reason.
      await waitFor(() => reasons.length >= 2, { what: 'the malformed message on the dead-letter topic' });
      expect(reasons).toEqual(['CONTRACT.INVALID_EVENT', 'CONTRACT.INVALID_EVENT']);
    } finally {
      await reader.disconnect();
    }
    const res = await act(sqlAction('SELECT count(*) AS n FROM customers', 'demo-db', 4));
    expect(res.status).toBe(200);
  });
});
