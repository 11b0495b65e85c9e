/**
 * The MCP ingress on the real stack, driven by the MCP SDK's own client: the same action path
 * as POST /v1/actions (decision, masking, ledger, audit), with the agent's reason captured and
 * the MCP session as the agent session.
 */
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, waitFor } from '@verity/testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('MCP ingress, end to end', () => {
  let platform: RunningPlatform;
  let issuer: DevIssuer;
  let agentToken: string;
  let complianceToken: string;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  const human = `dana-${newId()}`;

  const connect = async (token: string) => {
    const t = new StreamableHTTPClientTransport(new URL(`${platform.url.gateway}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const c = new Client({ name: 'verity-e2e-agent', version: '0.1.0' });
    await c.connect(t);
    return { client: c, transport: t };
  };

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent: Json };

  const auditRecord = (actionId: string) =>
    waitFor(
      async () => {
        const res = await fetch(`${platform.url.audit}/v1/audit/actions/${actionId}`, {
          headers: { authorization: `Bearer ${complianceToken}` },
        });
        const record = res.status === 200 ? ((await res.json()) as Json) : undefined;
        return record?.status === 'executed' ? record : undefined;
      },
      { what: `audit record of ${actionId}` },
    );

  beforeAll(async () => {
    platform = await startPlatform();
    issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    agentToken = await issuer.mint({ sub: human, groups: ['analysts'], act: { sub: 'agent:mcp-bot' } });
    complianceToken = await issuer.mint({ sub: `carol-${newId()}`, groups: ['compliance'] });
    ({ client, transport } = await connect(agentToken));
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await platform?.stop();
  });

  it('lists a tool per connection with a reason argument, and the status tool', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_connections', 'get_action_status', 'query_demo_db']));
    const query = tools.find((t) => t.name === 'query_demo_db')!;
    expect(query.inputSchema).toMatchObject({ required: ['sql'], properties: { reason: { type: 'string' } } });
    const listed = await call('list_connections', {});
    expect(listed.structuredContent.connections).toEqual(
      expect.arrayContaining([{ name: 'demo-db', type: 'postgres', tool: 'query_demo_db' }]),
    );
  });

  it('runs a read through policy and masking, and records the reason under the MCP session', async () => {
    const sql = 'SELECT id, email FROM customers ORDER BY id LIMIT 2';
    const answer = await call('query_demo_db', { sql, reason: 'find the contact for ticket 7', step: 3 });
    expect(answer.isError).toBeFalsy();
    expect(answer.structuredContent).toMatchObject({ decision: 'allow', result: { columns: ['id', 'email'] } });
    for (const row of answer.structuredContent.result.rows) expect(row[1]).toBe('[EMAIL]');

    const record = await auditRecord(answer.structuredContent.actionId);
    expect(record).toMatchObject({
      sessionId: transport.sessionId,
      sql,
      thought: 'find the contact for ticket 7',
      step: 3,
      tool: 'mcp:query_demo_db',
      model: 'verity-e2e-agent/0.1.0',
      decision: 'allow',
      identity: { subject: human },
    });
    expect(JSON.stringify(record.actor)).toContain('agent:mcp-bot');

    // The same statement through REST yields the same audit record, but for ids, session and the agent context.
    const rest = await fetch(`${platform.url.gateway}/v1/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'demo-db', operation: 'sql.query', input: { sql }, agent: { step: 3 } }),
    });
    expect(rest.status).toBe(200);
    const restRecord = await auditRecord(((await rest.json()) as Json).actionId);
    // What differs per call: ids, session, times, ledger positions, and the agent's own context.
    const perCall = [
      'actionId',
      'sessionId',
      'requestedAt',
      'decidedAt',
      'completedAt',
      'updatedAt',
      'ledgerRefs',
      'durationMs',
      'thought',
      'tool',
      'model',
    ];
    const comparable = (r: Json) => Object.fromEntries(Object.entries(r).filter(([key]) => !perCall.includes(key)));
    expect(comparable(restRecord)).toEqual(comparable(record));
  });

  it('answers a denied call as a tool error with policy’s reasons, and a held write as pending', async () => {
    const denied = await call('query_demo_db', { sql: 'DELETE FROM customers', reason: 'clean up' });
    expect(denied.isError).toBe(true);
    expect(denied.structuredContent.error).toMatchObject({
      code: 'POLICY.DENIED',
      details: { policyIds: ['no-delete-without-where'] },
    });

    const held = await call('query_demo_db', { sql: "UPDATE customers SET city = 'Porto' WHERE id = -1" });
    expect(held.isError).toBeFalsy();
    expect(held.structuredContent).toMatchObject({ status: 'pending_review' });
    expect(held.structuredContent.message).toMatch(/get_action_status/);
    const status = await call('get_action_status', { actionId: held.structuredContent.actionId });
    expect(status.structuredContent).toMatchObject({ status: 'pending_review', decision: 'review' });
  });

  it('refuses bad arguments as a tool error, and unknown tools', async () => {
    const bad = await call('query_demo_db', { sql: '', extra: 1 });
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent.error.code).toBe('REQUEST.INVALID');
    const unknown = await call('query_nowhere', { sql: 'SELECT 1' });
    expect(unknown.structuredContent.error.code).toBe('TOOL.NOT_FOUND');
  });

  it('keeps a session to its identity, and tells unauthenticated clients where the metadata is', async () => {
    const other = await issuer.mint({ sub: `eve-${newId()}`, groups: ['analysts'] });
    const hijack = await fetch(`${platform.url.gateway}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${other}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': transport.sessionId!,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(hijack.status).toBe(404);

    const anonymous = await fetch(`${platform.url.gateway}/mcp`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const challenge = anonymous.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer resource_metadata="http:\/\/.+\/\.well-known\/oauth-protected-resource\/mcp"$/);
    const metadata = (await (await fetch(challenge.match(/"(.+)"/)![1])).json()) as Json;
    expect(metadata).toMatchObject({
      resource: `${platform.url.gateway}/mcp`,
      authorization_servers: ['urn:verity:dev-issuer'],
      bearer_methods_supported: ['header'],
    });
  });
});
