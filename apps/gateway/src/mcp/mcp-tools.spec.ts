import { ActorV1, DomainError } from '@verity/contracts';
import { ActionsService, SubmitAction } from '../actions/actions.service';
import { ConnectionRegistry } from '../connections/connection-registry';
import { McpTools } from './mcp-tools';

const actor: ActorV1 = {
  subject: 'dana',
  issuer: 'dev',
  kind: 'agent',
  actingParties: [{ subject: 'bot' }],
  groups: [],
};

/** A registry with one PostgreSQL and one HTTP connection; only names and types are read. */
const registry = {
  names: () => ['demo-db', 'billing-api'],
  get: (name: string) => ({ name, type: name === 'billing-api' ? 'http' : 'postgres' }),
} as unknown as ConnectionRegistry;

function tools(
  scope?: string[],
  outcome: unknown = { status: 'executed', body: { actionId: 'a1', decision: 'allow' } },
) {
  const submitted: SubmitAction[] = [];
  const actions = {
    submit: (_caller: unknown, request: SubmitAction) => {
      submitted.push(request);
      if (outcome instanceof Error) throw outcome;
      return Promise.resolve(outcome);
    },
  } as unknown as ActionsService;
  const caller = { actor, scope, sessionId: 'mcp-s1', client: 'agent/1.0' };
  return { mcp: new McpTools(caller, actions, registry), submitted };
}

describe('McpTools', () => {
  it('offers a tool per usable connection, by type, and respects an API key scope', () => {
    expect(
      tools()
        .mcp.list()
        .map((t) => t.name),
    ).toEqual(['list_connections', 'get_action_status', 'query_demo_db', 'request_billing_api']);
    expect(
      tools(['billing-api'])
        .mcp.list()
        .map((t) => t.name),
    ).toEqual(['list_connections', 'get_action_status', 'request_billing_api']);
  });

  it('submits a query with the reason, step, tool and client as the agent context, under the MCP session', async () => {
    const { mcp, submitted } = tools();
    const answer = await mcp.call('query_demo_db', { sql: 'SELECT 1', params: [1], reason: 'why', step: 2 });
    expect(answer.isError).toBeUndefined();
    expect(submitted).toEqual([
      {
        connection: 'demo-db',
        operation: 'sql.query',
        input: { sql: 'SELECT 1', params: [1] },
        sessionId: 'mcp-s1',
        agent: { thought: 'why', step: 2, tool: 'mcp:query_demo_db', model: 'agent/1.0' },
      },
    ]);
  });

  it('submits an HTTP request validated by the contract, and refuses credentials in headers', async () => {
    const { mcp, submitted } = tools();
    await mcp.call('request_billing_api', { method: 'GET', path: '/v1/invoices', query: { limit: '5' } });
    expect(submitted[0]).toMatchObject({ operation: 'http.request', input: { method: 'GET', path: '/v1/invoices' } });
    const refused = await mcp.call('request_billing_api', {
      method: 'GET',
      path: '/v1/invoices',
      headers: { Authorization: 'Bearer stolen' },
    });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ error: { code: 'REQUEST.INVALID' } });
    expect(submitted).toHaveLength(1);
  });

  it('refuses bad arguments and tools outside the scope without submitting anything', async () => {
    const { mcp, submitted } = tools(['demo-db']);
    const bad = await mcp.call('query_demo_db', { sql: '', extra: 1, reason: 5 });
    expect(bad.structuredContent).toMatchObject({ error: { code: 'REQUEST.INVALID' } });
    const details = (bad.structuredContent as { error: { details: string[] } }).error.details.join('\n');
    expect(details).toMatch(/extra/);
    expect(details).toMatch(/reason/);
    expect((await mcp.call('request_billing_api', { method: 'GET', path: '/' })).structuredContent).toMatchObject({
      error: { code: 'TOOL.NOT_FOUND' },
    });
    expect(submitted).toEqual([]);
  });

  it('answers a held action with how to follow it, and a denial as a tool error', async () => {
    const held = await tools(undefined, {
      status: 'pending_review',
      body: { actionId: 'a2', status: 'pending_review' },
    }).mcp.call('query_demo_db', { sql: 'UPDATE t SET x = 1 WHERE id = 1' });
    expect(held.structuredContent).toMatchObject({ status: 'pending_review', message: expect.stringMatching(/a2/) });
    const denied = await tools(undefined, new DomainError('POLICY.DENIED', 'no', { reasons: ['r'] })).mcp.call(
      'query_demo_db',
      { sql: 'DELETE FROM t' },
    );
    expect(denied).toMatchObject({
      isError: true,
      structuredContent: { error: { code: 'POLICY.DENIED', details: { reasons: ['r'] } } },
    });
  });
});
