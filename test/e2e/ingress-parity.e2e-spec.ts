/**
 * The three ingress paths of the gateway — POST /v1/actions, MCP at /mcp and the PostgreSQL wire
 * listener — on the real stack: the same statement by the same caller yields the same audit
 * record (events, decision, masking, ledger content) apart from ids, session, times and the
 * agent's own context; and every wire statement, allowed, denied or held, is in the ledger (the
 * audit shows only what the ledger holds) under the caller's identity and the wire session.
 */
import path from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, waitFor } from '@verity/testing';
import { Client as PgClient, DatabaseError } from 'pg';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** What differs per call: ids, session, times, ledger positions, and the agent's own context. */
const PER_CALL = [
  'actionId',
  'sessionId',
  'requestedAt',
  'decidedAt',
  'completedAt',
  'updatedAt',
  'ledgerRefs',
  'durationMs',
  'thought',
  'step',
  'tool',
  'model',
];
const comparable = (r: Json) => Object.fromEntries(Object.entries(r).filter(([key]) => !PER_CALL.includes(key)));

describe('ingress parity: REST, MCP and the PostgreSQL wire listener', () => {
  let platform: RunningPlatform;
  let agentToken: string;
  let complianceToken: string;
  let mcp: McpClient;
  let pg: PgClient;
  let wireSession = '';
  const human = `erin-${newId()}`;

  const audit = async (query: string) => {
    const res = await fetch(`${platform.url.audit}/v1/audit/${query}`, {
      headers: { authorization: `Bearer ${complianceToken}` },
    });
    return res.status === 200 ? ((await res.json()) as Json) : undefined;
  };
  const settled = (actionId: string, status = 'executed') =>
    waitFor(
      async () => {
        const record = await audit(`actions/${actionId}`);
        return record?.status === status && record.ledgerRefs?.length > 0 ? record : undefined;
      },
      { what: `audit record of ${actionId}` },
    );
  /** The wire session's records, once there are `count` of them with their outcome (or review). */
  const wireRecords = (count: number) =>
    waitFor(
      async () => {
        const list = await audit(`actions?sessionId=${encodeURIComponent(wireSession)}`);
        const done = (list?.actions ?? []).filter((r: Json) => r.status !== 'requested' && r.decision);
        return done.length >= count ? (list.actions as Json[]) : undefined;
      },
      { what: `${count} records of the wire session` },
    );

  beforeAll(async () => {
    platform = await startPlatform();
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    agentToken = await issuer.mint({ sub: human, groups: ['analysts'], act: { sub: 'agent:parity-bot' } });
    complianceToken = await issuer.mint({ sub: `carol-${newId()}`, groups: ['compliance'] });
    mcp = new McpClient({ name: 'parity-agent', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${platform.url.gateway}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${agentToken}` } },
      }),
    );
    pg = new PgClient({
      host: '127.0.0.1',
      port: platform.pgPort,
      database: 'demo-db',
      user: human,
      password: agentToken,
      application_name: 'parity-psql',
    });
    // The listener names the wire session in a ParameterStatus at startup.
    pg.connection.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) => {
      if (m.parameterName === 'verity.session_id') wireSession = m.parameterValue;
    });
    await pg.connect();
  }, 180_000);

  afterAll(async () => {
    await pg?.end();
    await mcp?.close();
    await platform?.stop();
  });

  it('records the same action identically whichever way it came in', async () => {
    const sql = 'SELECT id, full_name, email FROM customers ORDER BY id LIMIT 3';
    const rest = await fetch(`${platform.url.gateway}/v1/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'demo-db', operation: 'sql.query', input: { sql } }),
    });
    expect(rest.status).toBe(200);
    const restBody = (await rest.json()) as Json;
    const viaMcp = (await mcp.callTool({ name: 'query_demo_db', arguments: { sql } })) as Json;
    expect(viaMcp.isError).toBeFalsy();
    const viaWire = await pg.query(sql);
    expect(wireSession).toMatch(/^pg-/);

    // The answers carry the same masked rows.
    const wireRows = viaWire.rows.map((r) => [r.id, r.full_name, r.email]);
    expect(wireRows).toEqual(restBody.result.rows);
    expect(viaMcp.structuredContent.result.rows).toEqual(restBody.result.rows);
    for (const row of wireRows) expect(row[2]).not.toMatch(/@/);

    const [wire] = await wireRecords(1);
    const records = {
      rest: await settled(restBody.actionId),
      mcp: await settled(viaMcp.structuredContent.actionId),
      wire: await settled(wire.actionId),
    };
    expect(records.wire).toMatchObject({
      sessionId: wireSession,
      sql,
      tool: 'pgwire',
      model: 'parity-psql',
      decision: 'allow',
      identity: { subject: human },
    });
    expect(JSON.stringify(records.wire.actor)).toContain('agent:parity-bot');
    expect(comparable(records.mcp)).toEqual(comparable(records.rest));
    expect(comparable(records.wire)).toEqual(comparable(records.rest));
    // The same ledgered event kinds for each path.
    const kinds = (r: Json) => r.ledgerRefs.map((l: Json) => l.type ?? l.eventType).sort();
    expect(kinds(records.wire)).toEqual(kinds(records.rest));
    expect(kinds(records.mcp)).toEqual(kinds(records.rest));
  });

  it('puts every wire statement in the ledger under the caller, denied and held ones included', async () => {
    const denied = await pg.query('DELETE FROM customers').catch((e: DatabaseError) => e);
    expect(denied).toMatchObject({ code: '42501' });
    const held = await pg
      .query("UPDATE customers SET city = 'Braga' WHERE id = $1", [-1])
      .catch((e: DatabaseError) => e);
    expect(held).toMatchObject({ code: '55000' });
    const records = await wireRecords(3);
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r).toMatchObject({ sessionId: wireSession, identity: { subject: human }, tool: 'pgwire' });
      expect(r.ledgerRefs.length).toBeGreaterThan(0);
    }
    expect(records.map((r) => r.decision).sort()).toEqual(['allow', 'deny', 'review']);
  });
});
