// The gateway in-process against real Kafka and PostgreSQL. Policy and masking are other apps,
// so this test plays them on the real topics (FakePlatform), answering only for its own
// sessions. Another helper's real policy or masking may run at the same moment and answer too;
// the fakes reply at once, and the gateway keeps the first reply per action.
import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionDecidedV1,
  ActionDenied,
  ActionExecuted,
  ActionFailed,
  ActionRequested,
  ActionRequestedV1,
  digestOf,
  ResultCaptured,
  ResultCapturedV1,
  ResultMasked,
  ResultMaskedV1,
} from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { testDatabaseUrl, testTarget, useTestEnvironment, waitFor } from '@verity/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { allow, FakePlatform } from './fake-platform';

const run = randomBytes(4).toString('hex');
const ROOT = path.resolve(__dirname, '../../..');
const { database: TARGET_DB, role: TARGET_ROLE } = testTarget('int');

/** An HTTP answer's JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();

/** A TCP port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP proxy to `port` whose connections the test can cut, as a crashing server would. */
async function cuttableProxy(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => sockets.forEach((s) => s.destroy()),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** scripts/seed-demo.mjs is ESM; it runs in its own node process, as npm start runs it. */
function seedTarget(secretsDir: string): { passwordFile: string } {
  const server = new URL(testDatabaseUrl());
  server.pathname = '/';
  const options = { adminUrl: server.toString(), database: TARGET_DB, secretsDir, role: TARGET_ROLE };
  const script =
    'const { seedDemo } = await import(process.argv[1]); console.log(JSON.stringify(await seedDemo(JSON.parse(process.argv[2]))));';
  const out = execFileSync('node', [
    '--input-type=module',
    '-e',
    script,
    path.join(ROOT, 'scripts/seed-demo.mjs'),
    JSON.stringify(options),
  ]);
  return JSON.parse(out.toString().trim().split('\n').pop() as string);
}

describe('gateway (real Kafka + PostgreSQL)', () => {
  const platform = new FakePlatform(run);
  let app: INestApplication;
  let base: string;
  let issuer: DevIssuer;
  let token: string;
  const subject = `alice-${run}`;
  const session = (name: string) => `gw-it-${run}-${name}`;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const query = (name: string, sql: string, params: unknown[] = [], extra: object = {}) =>
    post({ connection: 'test-db', operation: 'sql.query', input: { sql, params }, sessionId: session(name), ...extra });

  beforeAll(async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'verity-gateway-it-'));
    const { passwordFile } = seedTarget(path.join(home, 'secrets'));
    const connections = path.join(home, 'connections.yaml');
    const serverPort = Number(new URL(testDatabaseUrl()).port || 5432);
    proxy = await cuttableProxy(serverPort);
    /** The demo target, straight or through the proxy. */
    const target = (name: string, port: number) => [
      `  ${name}:`,
      '    type: postgres',
      '    host: 127.0.0.1',
      `    port: ${port}`,
      `    database: ${TARGET_DB}`,
      `    user: ${TARGET_ROLE}`,
      `    password: { file: ${passwordFile} }`,
    ];
    writeFileSync(
      connections,
      [
        'connections:',
        ...target('test-db', serverPort),
        ...target('cut-db', proxy.port),
        '  down-db:',
        '    type: postgres',
        '    host: 127.0.0.1',
        `    port: ${await closedPort()}`,
        '    database: nothing',
        '    user: nobody',
        '    password: { env: GATEWAY_IT_DOWN_PASSWORD }',
      ].join('\n'),
    );
    useTestEnvironment({
      VERITY_HOME: home,
      VERITY_CONNECTIONS: connections,
      GATEWAY_PORT: '0',
      GATEWAY_PG_PORT: '0',
      GATEWAY_IT_DOWN_PASSWORD: 'not-a-real-password',
      GATEWAY_DECISION_TIMEOUT_MS: '3000',
      GATEWAY_MASKING_TIMEOUT_MS: '3000',
      GATEWAY_STATEMENT_TIMEOUT_MS: '1500',
    });
    // Imported only now: the app module reads part of its configuration when it is loaded.
    const { startGateway } = await import('../src/main');
    app = await startGateway();
    base = `http://127.0.0.1:${(app.getHttpServer().address() as net.AddressInfo).port}`;
    await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, { what: 'gateway ready', timeoutMs: 30_000 });
    await platform.start();
    issuer = await DevIssuer.load(home);
    token = await issuer.mint({ sub: subject, groups: ['analysts'] });
  });

  afterAll(async () => {
    await platform.stop();
    await app?.close();
    await proxy?.close();
  });

  it('runs an allowed read and answers with the masked result, recording every step', async () => {
    const name = 'allow';
    platform.policy.set(session(name), allow({ maskingProfile: 'strict', rowLimit: 100, readOnly: true }));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const sql = 'SELECT id, full_name, email, created_at FROM customers WHERE city = $1 ORDER BY id';
    const agent = { step: 2, thought: 'Find the Lisbon customers', tool: 'sql', model: 'test-model' };

    const res = await query(name, sql, ['Lisbon'], { agent });
    const body = await json(res);

    expect(res.status).toBe(200);
    expect(body.decision).toBe('allow');
    expect(body.sessionId).toBe(session(name));
    expect(body.payloadDigest).toBe(digestOf({ sql, params: ['Lisbon'] }));
    expect(body.result.columns).toEqual(['id', 'full_name', 'email', 'created_at']);
    expect(body.result.rowCount).toBe(7);
    expect(body.result.truncated).toBe(false);
    expect(body.result.rows[0]).toEqual([1, 'Alice Anders', '[MASKED]', '2024-01-01T09:00:00.000Z']);
    expect(body.result.rows.every((r: unknown[]) => r[2] === '[MASKED]')).toBe(true);
    expect(body.masking).toEqual({
      profile: 'strict',
      maskedValues: 7,
      fields: [{ field: 'email', entities: { TEST: 7 } }],
    });

    const requested = await platform.one<ActionRequestedV1>(ActionRequested, body.actionId);
    expect(requested.data).toEqual({
      connection: 'test-db',
      operation: 'sql.query',
      payload: { sql, params: ['Lisbon'] },
      payloadDigest: body.payloadDigest,
      agent,
    });
    expect(requested.actor).toMatchObject({ subject, groups: ['analysts'] });
    expect(requested.source).toBe('/verity/gateway');
    expect(requested.causationid).toBeUndefined();

    const decided = await platform.one<ActionDecidedV1>(ActionDecided, body.actionId);
    const captured = await platform.one<ResultCapturedV1>(ResultCaptured, body.actionId);
    expect(captured.causationid).toBe(decided.id);
    expect(captured.data.profile).toBe('strict');
    expect(captured.data.result.rows[0][2]).toBe('alice.anders@example.com');
    expect(captured.data.resultDigest).toBe(digestOf(captured.data.result));

    const masked = await platform.one<ResultMaskedV1>(ResultMasked, body.actionId);
    const executed = await platform.one(ActionExecuted, body.actionId);
    expect(executed.causationid).toBe(masked.id);
    expect(executed.data).toMatchObject({
      payloadDigest: body.payloadDigest,
      resultDigest: captured.data.resultDigest,
      result: body.result,
      masking: body.masking,
    });
    expect(JSON.stringify(executed)).not.toContain('alice.anders@example.com');
    for (const event of [requested, captured, executed]) expect(event.traceparent).toBeUndefined();

    const stored = await fetch(`${base}/v1/actions/${body.actionId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stored.status).toBe(200);
    expect(await json(stored)).toMatchObject({
      actionId: body.actionId,
      sessionId: session(name),
      status: 'executed',
      decision: 'allow',
      connection: 'test-db',
      payloadDigest: body.payloadDigest,
      outcomeCode: null,
    });

    // The trace context travels with the events when the caller sends one.
    const traced = await post(
      {
        connection: 'test-db',
        operation: 'sql.query',
        input: { sql: 'SELECT 1 AS one' },
        sessionId: session('traced'),
      },
      { traceparent },
    );
    const tracedBody = await json(traced);
    expect(traced.status).toBe(200);
    expect((await platform.one(ActionRequested, tracedBody.actionId)).traceparent).toBe(traceparent);
    expect((await platform.one(ActionExecuted, tracedBody.actionId)).traceparent).toBe(traceparent);
  });

  it('caps the rows at the decision row limit and says the result was truncated', async () => {
    platform.policy.set(session('cap'), allow({ rowLimit: 5 }));
    const res = await query('cap', 'SELECT id FROM customers ORDER BY id');
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.result).toMatchObject({ rows: [[1], [2], [3], [4], [5]], rowCount: 5, truncated: true });
  });

  it('turns driver types into JSON: bigint, numeric and bytea as strings, timestamps as ISO 8601', async () => {
    const sql = `SELECT 9007199254740993::bigint AS big, 1.10::numeric AS num, '\\xdeadbeef'::bytea AS bytes,
      '2024-03-04 05:06:07+00'::timestamptz AS at, '{"a":[1,2]}'::jsonb AS doc, ARRAY[1,2] AS arr, NULL::text AS nothing`;
    const res = await query('types', sql);
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.result.rows).toEqual([
      ['9007199254740993', '1.10', '3q2+7w==', '2024-03-04T05:06:07.000Z', { a: [1, 2] }, [1, 2], null],
    ]);
  });

  it('answers 403 with the reasons when policy denies, and records action.denied', async () => {
    const name = 'deny';
    platform.policy.set(session(name), {
      decisions: [
        { decision: 'deny', reasons: ['customers.ssn may not be read'], policyIds: ['no-ssn'], obligations: {} },
      ],
    });
    const res = await query(name, 'SELECT ssn FROM customers');
    const body = await json(res);
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('POLICY.DENIED');
    expect(body.error.details).toMatchObject({ reasons: ['customers.ssn may not be read'], policyIds: ['no-ssn'] });
    const actionId = body.error.details.actionId;
    const decided = await platform.one(ActionDecided, actionId);
    const denied = await platform.one(ActionDenied, actionId);
    expect(denied.data).toEqual({ reasons: ['customers.ssn may not be read'], policyIds: ['no-ssn'] });
    expect(denied.causationid).toBe(decided.id);
    expect(platform.events(ResultCaptured, actionId)).toEqual([]);
    expect(platform.events(ActionExecuted, actionId)).toEqual([]);
  });

  it('keeps the first decision and ignores a second one for the same action', async () => {
    const name = 'twice';
    platform.policy.set(session(name), {
      decisions: [
        { decision: 'allow', reasons: ['first'], policyIds: ['p1'], obligations: {} },
        { decision: 'deny', reasons: ['second'], policyIds: ['p2'], obligations: {} },
      ],
    });
    const res = await query(name, 'SELECT 1 AS one');
    const body = await json(res);
    expect(res.status).toBe(200);
    await waitFor(() => platform.events(ActionDecided, body.actionId).length >= 2, { what: 'both decisions' });
    await platform.one(ActionExecuted, body.actionId);
    expect(platform.events(ActionExecuted, body.actionId)).toHaveLength(1);
    expect(platform.events(ActionDenied, body.actionId)).toEqual([]);
  });

  it('answers 202 pending_review when policy asks for a review', async () => {
    platform.policy.set(session('review'), {
      decisions: [{ decision: 'review', reasons: ['needs a human'], policyIds: ['rv'], obligations: {} }],
    });
    const res = await query('review', 'DELETE FROM customers WHERE id = 1');
    const body = await json(res);
    expect(res.status).toBe(202);
    expect(body).toEqual({ actionId: expect.any(String), sessionId: session('review'), status: 'pending_review' });
    const stored = await json(
      await fetch(`${base}/v1/actions/${body.actionId}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(stored).toMatchObject({ status: 'pending_review', decision: 'review' });
  });

  it('long-polls GET /v1/actions/:id?wait= until the action has its outcome, or the wait is up', async () => {
    const get = (id: string, wait?: string) =>
      fetch(`${base}/v1/actions/${id}${wait === undefined ? '' : `?wait=${wait}`}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    // An action whose decision never comes ends as failed (POLICY.TIMEOUT, 3 s here): a long
    // poll started while it runs answers when it ends, not before and not at the deadline.
    platform.policy.set(session('poll'), 'silent');
    const running = query('poll', 'SELECT 1');
    const actionId = await waitFor(
      async () =>
        (await app.get(DataSource).query('SELECT id FROM gateway.actions WHERE session_id = $1', [session('poll')]))[0]
          ?.id as string | undefined,
      { what: 'the stored action' },
    );
    const started = Date.now();
    const polled = await get(actionId, '20');
    const waited = Date.now() - started;
    expect(polled.status).toBe(200);
    expect(await json(polled)).toMatchObject({ actionId, status: 'failed', outcomeCode: 'POLICY.TIMEOUT' });
    expect(waited).toBeGreaterThan(1000);
    expect(waited).toBeLessThan(10_000);
    expect((await running).status).toBe(504);

    // A finished action answers at once; one still held answers at the deadline as it stands.
    const done = Date.now();
    expect((await json(await get(actionId, '30'))).status).toBe('failed');
    expect(Date.now() - done).toBeLessThan(1000);
    platform.policy.set(session('poll-review'), {
      decisions: [{ decision: 'review', reasons: ['needs a human'], policyIds: ['rv'], obligations: {} }],
    });
    const held = await json(await query('poll-review', 'DELETE FROM customers WHERE id = 2'));
    const before = Date.now();
    expect(await json(await get(held.actionId, '1'))).toMatchObject({ status: 'pending_review' });
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);

    for (const bad of ['-1', '31', 'soon', '1.5']) {
      const res = await get(actionId, bad);
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('REQUEST.INVALID');
    }
  });

  it('answers 404 for an unknown connection and emits nothing', async () => {
    const res = await post({
      connection: 'no-such-db',
      operation: 'sql.query',
      input: { sql: 'SELECT 1' },
      sessionId: session('unknown'),
    });
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('CONNECTION.NOT_FOUND');
    const rows = await app
      .get(DataSource)
      .query('SELECT id FROM gateway.actions WHERE session_id = $1', [session('unknown')]);
    expect(rows).toEqual([]);
    expect(platform.seen.filter((e) => e.sessionid === session('unknown'))).toEqual([]);
  });

  it('answers 400 with the fields at fault for a malformed body or an unknown field', async () => {
    const unknown = await post({
      connection: 'test-db',
      operation: 'sql.query',
      input: { sql: 'SELECT 1' },
      database: 'postgres',
    });
    expect(unknown.status).toBe(400);
    const unknownBody = await json(unknown);
    expect(unknownBody.error.code).toBe('REQUEST.INVALID');
    expect(unknownBody.error.details).toContain('database: property database should not exist');

    const wrong = await post({
      connection: 'test-db',
      operation: 'shell.exec',
      input: { sql: 42 },
      agent: { step: 'one' },
    });
    expect(wrong.status).toBe(400);
    const details: string[] = (await json(wrong)).error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^operation: /),
        expect.stringMatching(/^input.sql: /),
        expect.stringMatching(/^agent.step: /),
      ]),
    );

    const notJson = await post('{"connection": ');
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error.code).toMatch(/^REQUEST\./);
  });

  it('answers 413 for a body over GATEWAY_BODY_LIMIT', async () => {
    const res = await query('huge', 'SELECT 1', new Array(1000).fill('x'.repeat(300)));
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('REQUEST.TOO_LARGE');
  });

  it('answers 502 when the target is down, and records action.failed without connection details', async () => {
    const name = 'down';
    const res = await post({
      connection: 'down-db',
      operation: 'sql.query',
      input: { sql: 'SELECT 1' },
      sessionId: session(name),
    });
    const body = await json(res);
    expect(res.status).toBe(502);
    expect(body.error).toMatchObject({ code: 'TARGET.UNAVAILABLE', message: 'connection down-db is unavailable' });
    const actionId = body.error.details.actionId;
    const decided = await platform.one(ActionDecided, actionId);
    const failed = await platform.one(ActionFailed, actionId);
    expect(failed.data).toMatchObject({
      stage: 'execution',
      code: 'TARGET.UNAVAILABLE',
      payloadDigest: digestOf({ sql: 'SELECT 1', params: [] }),
    });
    expect(failed.causationid).toBe(decided.id);
    const text = JSON.stringify([body, failed]);
    expect(text).not.toMatch(/127\.0\.0\.1|nobody|not-a-real-password|ECONNREFUSED/);
  });

  it('answers 422 with the database message for a rejected statement', async () => {
    const res = await query('rejected', 'SELECT * FROM no_such_table');
    const body = await json(res);
    expect(res.status).toBe(422);
    expect(body.error).toMatchObject({
      code: 'TARGET.QUERY_REJECTED',
      message: 'relation "no_such_table" does not exist',
    });
    const failed = await platform.one(ActionFailed, body.error.details.actionId);
    expect(failed.data).toMatchObject({ stage: 'execution', code: 'TARGET.QUERY_REJECTED' });
  });

  it('runs a statement read-only when the decision says so', async () => {
    platform.policy.set(session('ro'), allow({ readOnly: true }));
    const res = await query('ro', 'DELETE FROM customers WHERE id = $1 RETURNING id', [1]);
    const body = await json(res);
    expect(res.status).toBe(422);
    expect(body.error.message).toBe('cannot execute DELETE in a read-only transaction');
    const still = await query('ro-check', 'SELECT count(*)::int AS n FROM customers WHERE id = 1');
    expect((await json(still)).result.rows).toEqual([[1]]);
  });

  it('refuses several statements in one request', async () => {
    const res = await query('multi', 'SELECT 1; SELECT 2');
    expect(res.status).toBe(422);
    expect((await json(res)).error.message).toMatch(/multiple commands/);
  });

  it('answers 504 when a statement runs past the statement timeout', async () => {
    const res = await query('slow', 'SELECT pg_sleep(5)');
    const body = await json(res);
    expect(res.status).toBe(504);
    expect(body.error.code).toBe('TARGET.TIMEOUT');
    expect((await platform.one(ActionFailed, body.error.details.actionId)).data).toMatchObject({
      stage: 'execution',
      code: 'TARGET.TIMEOUT',
    });
  });

  it('survives a target connection cut mid-statement: 502 for that action, and the next one runs', async () => {
    // What a crash or an immediate restart of the target's server does to a connection in use.
    const sql = `SELECT pg_sleep(1) AS cut_${run}`;
    const watcher = new Client({ connectionString: testDatabaseUrl() });
    await watcher.connect();
    try {
      const pending = query('cut', sql, [], { connection: 'cut-db' });
      const running = `SELECT 1 FROM pg_stat_activity WHERE application_name = 'verity-gateway' AND query = $1`;
      await waitFor(async () => (await watcher.query(running, [sql])).rows.length > 0, {
        what: 'the statement to run',
      });
      proxy.cut();
      const res = await pending;
      expect(res.status).toBe(502);
      expect((await json(res)).error.code).toBe('TARGET.UNAVAILABLE');
    } finally {
      await watcher.end();
    }
    const next = await query('after-cut', 'SELECT 1 AS one', [], { connection: 'cut-db' });
    expect(next.status).toBe(200);
  });

  it('answers 502 when the result is too large to hand to masking, and records action.failed', async () => {
    const res = await query('too-large', "SELECT repeat('x', 2000) AS filler FROM generate_series(1, 1000)");
    const body = await json(res);
    expect(res.status).toBe(502);
    expect(body.error.code).toBe('MASKING.UNAVAILABLE');
    const failed = await platform.one(ActionFailed, body.error.details.actionId);
    expect(failed.data).toMatchObject({ stage: 'masking', code: 'MASKING.UNAVAILABLE' });
  });

  it('answers 504 and records action.failed when no decision comes', async () => {
    platform.policy.set(session('no-decision'), 'silent');
    const res = await query('no-decision', 'SELECT 1');
    const body = await json(res);
    expect(res.status).toBe(504);
    expect(body.error.code).toBe('POLICY.TIMEOUT');
    const actionId = body.error.details.actionId;
    const requested = await platform.one(ActionRequested, actionId);
    const failed = await platform.one(ActionFailed, actionId);
    expect(failed.data).toMatchObject({ stage: 'decision', code: 'POLICY.TIMEOUT' });
    expect(failed.causationid).toBe(requested.id);
  });

  it('answers 504 without any data when masking does not answer', async () => {
    platform.masker.set(session('no-mask'), 'silent');
    const res = await query('no-mask', 'SELECT email FROM customers ORDER BY id LIMIT 1');
    const text = await res.text();
    expect(res.status).toBe(504);
    expect(text).not.toContain('@example.com');
    const actionId = JSON.parse(text).error.details.actionId;
    const captured = await platform.one(ResultCaptured, actionId);
    const failed = await platform.one(ActionFailed, actionId);
    expect(failed.data).toMatchObject({ stage: 'masking', code: 'MASKING.TIMEOUT' });
    expect(failed.causationid).toBe(captured.id);
    expect(platform.events(ActionExecuted, actionId)).toEqual([]);
  });

  it('answers 401 without a valid token and 403 outside the allowed groups', async () => {
    const body = { connection: 'test-db', operation: 'sql.query', input: { sql: 'SELECT 1' } };
    const none = await fetch(`${base}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(none.status).toBe(401);
    expect((await json(none)).error.code).toBe('AUTH.UNAUTHENTICATED');
    const garbage = await post(body, { authorization: 'Bearer not.a.token' });
    expect(garbage.status).toBe(401);
    const outsider = await issuer.mint({ sub: `bob-${run}`, groups: ['compliance'] });
    const forbidden = await post(body, { authorization: `Bearer ${outsider}` });
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).error.code).toBe('AUTH.FORBIDDEN');
  });

  it('shows a stored action only to its own subject', async () => {
    const res = await query('mine', 'SELECT 1 AS one');
    const { actionId } = await json(res);
    const other = await issuer.mint({ sub: `mallory-${run}`, groups: ['analysts'] });
    const theirs = await fetch(`${base}/v1/actions/${actionId}`, { headers: { authorization: `Bearer ${other}` } });
    expect(theirs.status).toBe(404);
    expect((await json(theirs)).error.code).toBe('ACTION.NOT_FOUND');
    const missing = await fetch(`${base}/v1/actions/not-an-id`, { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(404);
    const anonymous = await fetch(`${base}/v1/actions/${actionId}`);
    expect(anonymous.status).toBe(401);
  });

  describe('service-account API keys', () => {
    const keysApi = (method: string, token: string, body?: unknown, suffix = '') =>
      fetch(`${base}/v1/api-keys${suffix}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const withKey = (headers: Record<string, string>, connection = 'test-db', name = 'key') =>
      fetch(`${base}/v1/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          connection,
          operation: 'sql.query',
          input: { sql: 'SELECT 1 AS one' },
          sessionId: session(name),
        }),
      });

    it('are created by admins only, shown once, stored as an argon2id hash, and listed without secrets', async () => {
      const admin = await issuer.mint({ sub: `root-${run}`, groups: ['admins'] });
      const created = await keysApi('POST', admin, { name: `etl-${run}`, connections: ['test-db'] });
      expect(created.status).toBe(201);
      const key = await json(created);
      expect(key).toMatchObject({
        name: `etl-${run}`,
        subject: `service:etl-${run}`,
        groups: ['analysts'],
        connections: ['test-db'],
        createdBy: `root-${run}`,
        revokedAt: null,
      });
      expect(key.key).toMatch(new RegExp(`^vk_${key.id}_[A-Za-z0-9_-]{43}$`));
      const secret = key.key.split('_').slice(2).join('_');

      const [row] = await app.get(DataSource).query('SELECT secret_hash FROM gateway.api_keys WHERE id = $1', [key.id]);
      expect(row.secret_hash).toMatch(/^\$argon2id\$/);
      expect(row.secret_hash).not.toContain(secret);

      const listed = await keysApi('GET', admin);
      expect(listed.status).toBe(200);
      const text = await listed.text();
      expect(JSON.parse(text).items).toEqual(expect.arrayContaining([expect.objectContaining({ id: key.id })]));
      expect(text).not.toContain(secret);
      expect(text).not.toContain('argon2');

      expect((await keysApi('POST', token, { name: 'mine', connections: ['test-db'] })).status).toBe(403);
      expect((await keysApi('GET', token)).status).toBe(403);
      const unknown = await keysApi('POST', admin, { name: 'x', connections: ['no-such-db'] });
      expect(unknown.status).toBe(404);
      const invalid = await keysApi('POST', admin, { name: 'Bad Name', connections: [], extra: 1 });
      expect(invalid.status).toBe(400);
    });

    it('authenticate a service (Bearer or X-API-Key) within its connections, until revoked', async () => {
      const admin = await issuer.mint({ sub: `root-${run}`, groups: ['admins'] });
      const key = await json(await keysApi('POST', admin, { name: `publisher-${run}`, connections: ['test-db'] }));

      // Authenticated means the intent went out under the service actor (whatever policy then says).
      const accepted = async (headers: Record<string, string>, name: string) => {
        const body = await json(await withKey(headers, 'test-db', name));
        const actionId: string | undefined = body.actionId ?? body.error?.details?.actionId;
        expect(actionId).toEqual(expect.any(String));
        return platform.one<ActionRequestedV1>(ActionRequested, actionId as string);
      };
      for (const [headers, name] of [
        [{ authorization: `Bearer ${key.key}` }, 'key-bearer'],
        [{ 'x-api-key': key.key }, 'key-header'],
      ] as const) {
        const requested = await accepted(headers, name);
        expect(requested.actor).toEqual({
          subject: `service:publisher-${run}`,
          issuer: `urn:verity:api-key:${key.id}`,
          kind: 'service',
          actingParties: [],
          groups: ['analysts'],
        });
        expect(JSON.stringify(requested)).not.toContain(key.key);
      }

      const outside = await withKey({ 'x-api-key': key.key }, 'down-db', 'key-scope');
      expect(outside.status).toBe(403);
      expect((await json(outside)).error.code).toBe('AUTH.FORBIDDEN');

      const wrong = `${key.key.slice(0, -4)}AAAA`;
      const attempts: Record<string, string>[] = [
        { 'x-api-key': wrong },
        { 'x-api-key': 'vk_nope' },
        { authorization: `Bearer ${wrong}` },
      ];
      for (const headers of attempts) {
        const res = await withKey(headers, 'test-db', 'key-wrong');
        expect(res.status).toBe(401);
        expect((await json(res)).error.code).toBe('AUTH.UNAUTHENTICATED');
      }
      // A key cannot manage keys, even one with the admin group.
      expect((await fetch(`${base}/v1/api-keys`, { headers: { 'x-api-key': key.key } })).status).toBe(403);

      expect((await keysApi('DELETE', admin, undefined, `/${key.id}`)).status).toBe(204);
      expect((await withKey({ 'x-api-key': key.key }, 'test-db', 'key-revoked')).status).toBe(401);
      expect((await keysApi('DELETE', admin, undefined, `/${key.id}`)).status).toBe(404);
      const listed = await json(await keysApi('GET', admin));
      expect(listed.items.find((k: { id: string }) => k.id === key.id).revokedAt).toEqual(expect.any(String));
    });
  });

  it('serves the OpenAPI document and Swagger UI at /docs, without a token', async () => {
    const ui = await fetch(`${base}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger-ui/i);
    const res = await fetch(`${base}/docs/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toMatch(/^3\./);
    const submit = doc.paths['/v1/actions'].post;
    expect(Object.keys(submit.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '401', '403', '404', '413', '422', '502', '504']),
    );
    const body = doc.components.schemas.CreateActionDto;
    expect(body.required).toEqual(expect.arrayContaining(['connection', 'operation', 'input']));
    expect(body.properties.input.oneOf).toEqual([
      { $ref: '#/components/schemas/SqlInputDoc' },
      { $ref: '#/components/schemas/HttpInputDoc' },
    ]);
    expect(body.properties.operation.enum).toEqual(['sql.query', 'http.request']);
    expect(doc.components.schemas.SqlInputDoc.properties.sql.type).toBe('string');
    expect(doc.components.schemas.HttpInputDoc.required).toEqual(['method', 'path']);
    expect(doc.components.schemas.HttpInputDoc.properties.method.enum).toContain('POST');
    expect(doc.components.schemas.AgentStepDoc.properties.thought.type).toBe('string');
    expect(doc.paths['/v1/actions/{id}'].get.responses['200']).toBeDefined();
    expect((await fetch(`${base}/docs/openapi.yaml`)).status).toBe(200);
    expect((await fetch(`${base}/no-such-route`)).status).toBe(404);
  });

  it('has migrations that match the entities exactly', async () => {
    const pending = await app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
