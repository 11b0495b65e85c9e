// The gateway's PostgreSQL wire listener in-process against real Kafka and PostgreSQL, driven by
// the `pg` driver, by `psql` (a child process) and by raw sockets for protocol abuse. Policy and
// masking are played on the real topics (FakePlatform), scripted per test subject: the gateway
// names wire sessions itself, so the subject (which holds the run id) selects the script.
import { INestApplication } from '@nestjs/common';
import { ActionExecuted, ActionRequested, ActionRequestedV1 } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { seedTarget, testDatabaseUrl, testTarget, useTestEnvironment, waitFor } from '@verity/testing';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, DatabaseError } from 'pg';
import { parse, serialize } from 'pg-protocol';
import { BackendMessage } from 'pg-protocol/dist/messages';
import { PENDING_REVIEW_STATE } from '../src/pgwire/pg-errors';
import { PgWireServer } from '../src/pgwire/pg-wire.server';
import { FakePlatform, PolicyScript } from './fake-platform';

const run = randomBytes(4).toString('hex');
const { database: TARGET_DB, role: TARGET_ROLE } = testTarget('int');
const MAX_CONNECTIONS = 6;
const IDLE_MS = 4000;

/** The SQL and params of an intent on the wire. */
const sqlOf = (event: { data: unknown }) =>
  (event.data as { payload?: { sql?: string; params?: unknown[] } }).payload ?? {};

const deny: PolicyScript = {
  decisions: [{ decision: 'deny', reasons: ['deletes are not allowed'], policyIds: ['no-delete'], obligations: {} }],
};
const review: PolicyScript = {
  decisions: [
    { decision: 'review', reasons: ['writes need a reviewer'], policyIds: ['review-writes'], obligations: {} },
  ],
};

/** A raw socket to the listener that collects the backend messages pg-protocol's own parser reads. */
async function rawSocket(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const messages: BackendMessage[] = [];
  const bytes: Buffer[] = [];
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  return {
    socket,
    messages,
    bytes,
    closed: () => closed,
    /** Collect parsed backend messages from now on (after any raw single-byte answers). */
    parseMessages: () => void parse(socket, (m) => messages.push(m)),
    captureBytes: () => socket.on('data', (chunk: Buffer) => bytes.push(chunk)),
  };
}

describe('PostgreSQL wire listener (real Kafka + PostgreSQL)', () => {
  const platform = new FakePlatform(run);
  let app: INestApplication;
  let port: number;
  let issuer: DevIssuer;
  const tokens: Record<string, string> = {};
  const subject = (name: string) => `pg-${name}-${run}`;

  const client = (name: string, extra: Partial<ConstructorParameters<typeof Client>[0] & object> = {}) =>
    new Client({
      host: '127.0.0.1',
      port,
      database: 'test-db',
      user: subject(name),
      password: tokens[name],
      application_name: `pgwire-it/${name}`,
      ...extra,
    });

  /** Runs `fn` on a connected client and always closes it. */
  async function withClient<T>(name: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const c = client(name);
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  const errorOf = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected an error');
      },
      (err: DatabaseError) => err,
    );

  beforeAll(async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'verity-pgwire-it-'));
    seedTarget(TARGET_DB, TARGET_ROLE, path.join(home, 'secrets'));
    const connections = path.join(home, 'connections.yaml');
    writeFileSync(
      connections,
      [
        'connections:',
        '  test-db:',
        '    type: postgres',
        '    host: 127.0.0.1',
        `    port: ${new URL(testDatabaseUrl()).port || 5432}`,
        `    database: ${TARGET_DB}`,
        `    user: ${TARGET_ROLE}`,
        `    password: { file: ${path.join(home, 'secrets', 'demo-db.password')} }`,
        '  billing-api:',
        '    type: http',
        '    baseUrl: http://127.0.0.1:1/',
      ].join('\n'),
    );
    useTestEnvironment({
      VERITY_HOME: home,
      VERITY_CONNECTIONS: connections,
      GATEWAY_PORT: '0',
      GATEWAY_PG_PORT: '0',
      GATEWAY_PG_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      GATEWAY_PG_IDLE_MS: String(IDLE_MS),
      GATEWAY_PG_MAX_MESSAGE_BYTES: String(64 * 1024),
      GATEWAY_DECISION_TIMEOUT_MS: '5000',
      GATEWAY_MASKING_TIMEOUT_MS: '5000',
    });
    const { startGateway } = await import('../src/main');
    app = await startGateway();
    port = app.get(PgWireServer).port;
    await platform.start();
    issuer = await DevIssuer.load(home);
    for (const name of ['reader', 'deleter', 'writer', 'psql', 'raw']) {
      tokens[name] = await issuer.mint({ sub: subject(name), groups: ['analysts'] });
    }
    tokens.outsider = await issuer.mint({ sub: subject('outsider'), groups: ['visitors'] });
    platform.policy.set(subject('deleter'), deny);
    platform.policy.set(subject('writer'), review);
  }, 120_000);

  afterAll(async () => {
    await platform.stop();
    await app?.close();
  });

  it('runs a simple query through policy and masking, recorded under the caller and the wire session', async () => {
    const sql = 'SELECT id, email, city FROM customers ORDER BY id LIMIT 3';
    const result = await withClient('reader', (c) => c.query(sql));
    expect(result.fields.map((f) => f.name)).toEqual(['id', 'email', 'city']);
    expect(result.rows).toEqual([
      { id: 1, email: '[MASKED]', city: expect.any(String) },
      { id: 2, email: '[MASKED]', city: expect.any(String) },
      { id: 3, email: '[MASKED]', city: expect.any(String) },
    ]);
    expect(result.command).toBe('SELECT');
    expect(result.rowCount).toBe(3);

    const requested = await waitFor(
      () =>
        platform.seen.find((e) => e.type === ActionRequested.type && sqlOf(e).sql === sql) as
          { actionid: string; sessionid: string; actor: { subject: string }; data: ActionRequestedV1 } | undefined,
      { what: 'the intent of the wire statement' },
    );
    expect(requested.actor.subject).toBe(subject('reader'));
    expect(requested.sessionid).toMatch(/^pg-[0-9a-f-]{36}$/);
    expect(requested.data).toMatchObject({
      connection: 'test-db',
      operation: 'sql.query',
      payload: { sql, params: [] },
      agent: { tool: 'pgwire', model: 'pgwire-it/reader' },
    });
    const executed = await platform.one(ActionExecuted, requested.actionid);
    expect(JSON.stringify(executed)).not.toMatch(/@example\.com/);
  });

  it('runs a parameterised query (extended protocol) with $n as the action params', async () => {
    const sql = 'SELECT id, email, city FROM customers WHERE city = $1 AND id < $2 ORDER BY id';
    const result = await withClient('reader', async (c) => {
      const first = await c.query(sql, ['Lisbon', 5]);
      // The same connection, again: one session id for both statements.
      await c.query({ name: 'named', text: sql, values: ['Lisbon', 100] });
      await c.query({ name: 'named', text: sql, values: ['Porto', 100] });
      return first;
    });
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows) expect(row).toMatchObject({ email: '[MASKED]', city: 'Lisbon' });

    const intents = await waitFor(
      () => {
        const found = platform.seen.filter((e) => e.type === ActionRequested.type && sqlOf(e).sql === sql) as Array<{
          sessionid: string;
          data: ActionRequestedV1;
        }>;
        return found.length === 3 ? found : undefined;
      },
      { what: 'three intents' },
    );
    expect(intents.map((e) => sqlOf(e).params)).toEqual([
      ['Lisbon', '5'],
      ['Lisbon', '100'],
      ['Porto', '100'],
    ]);
    expect(new Set(intents.map((e) => e.sessionid)).size).toBe(1);
  });

  it('answers a denied statement with SQLSTATE 42501 and policy’s reasons, and the session goes on', async () => {
    await withClient('deleter', async (c) => {
      const simple = await errorOf(c.query('DELETE FROM customers'));
      expect(simple.code).toBe('42501');
      expect(simple.message).toContain('deletes are not allowed');
      expect(simple.detail).toMatch(/POLICY\.DENIED; action [0-9a-f-]{36}; policies no-delete/);
      const extended = await errorOf(c.query('DELETE FROM customers WHERE id = $1', [1]));
      expect(extended.code).toBe('42501');
    });
  });

  it('answers a statement held for review with SQLSTATE 55000, the action id and how to follow it', async () => {
    await withClient('writer', async (c) => {
      const held = await errorOf(c.query("UPDATE customers SET city = 'Faro' WHERE id = $1", [1]));
      expect(held.code).toBe(PENDING_REVIEW_STATE);
      const actionId = /action ([0-9a-f-]{36})/.exec(held.message)?.[1];
      expect(actionId).toBeDefined();
      expect(held.hint).toContain(`GET /v1/actions/${actionId}`);
    });
  });

  it('refuses bad credentials, unknown databases, HTTP connections and callers outside the action groups', async () => {
    const bad = await errorOf(client('reader', { password: 'not-a-token' }).connect());
    expect(bad.code).toBe('28P01');
    const nowhere = await errorOf(client('reader', { database: 'nowhere' }).connect());
    expect(nowhere.code).toBe('3D000');
    const http = await errorOf(client('reader', { database: 'billing-api' }).connect());
    expect(http.code).toBe('3D000');
    const outsider = await errorOf(client('outsider').connect());
    expect(outsider.code).toBe('42501');
  });

  it('takes a scoped API key as the password, within its connections only', async () => {
    const admin = await issuer.mint({ sub: subject('admin'), groups: ['admins'] });
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as net.AddressInfo).port}`;
    const create = async (name: string, connections: string[]) => {
      const res = await fetch(`${base}/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, connections }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { key: string }).key;
    };
    const key = await create(`pg-key-${run}`, ['test-db']);
    const viaKey = client('reader', { user: 'svc', password: key });
    await viaKey.connect();
    try {
      const sql = `SELECT id FROM customers WHERE id = 1 -- ${run}`;
      expect((await viaKey.query(sql)).rows).toEqual([{ id: 1 }]);
      const requested = await waitFor(() => platform.seen.find((e) => sqlOf(e).sql === sql), {
        what: 'the intent sent with an API key',
      });
      expect(requested.actor).toMatchObject({ subject: `service:pg-key-${run}`, kind: 'service' });
    } finally {
      await viaKey.end();
    }
    const elsewhere = await create(`pg-key-other-${run}`, ['billing-api']);
    const refused = await errorOf(client('reader', { password: elsewhere }).connect());
    expect(refused.code).toBe('42501');
  });

  it('refuses COPY and transaction control without running anything, and keeps the session usable', async () => {
    await withClient('reader', async (c) => {
      expect((await errorOf(c.query('COPY customers TO STDOUT'))).code).toBe('0A000');
      expect((await errorOf(c.query('BEGIN'))).code).toBe('0A000');
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
    expect(platform.seen.filter((e) => ['COPY customers TO STDOUT', 'BEGIN'].includes(sqlOf(e).sql ?? ''))).toEqual([]);
  });

  it('works with psql: masked rows, several statements in one string, and errors with SQLSTATE', async () => {
    const exec = promisify(execFile);
    const url = `postgresql://${subject('psql')}:${tokens.psql}@127.0.0.1:${port}/test-db`;
    const psql = (...args: string[]) =>
      exec('psql', [url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...args], {
        env: { ...process.env, PGAPPNAME: 'psql-it', PGCONNECT_TIMEOUT: '10' },
      });
    const { stdout } = await psql('-c', 'SELECT id, email FROM customers ORDER BY id LIMIT 2');
    expect(stdout.trim().split('\n')).toEqual(['1|[MASKED]', '2|[MASKED]']);

    const multi = await psql('-c', 'SELECT 1 AS a; SELECT 2 AS b');
    expect(multi.stdout.trim().split('\n')).toEqual(['1', '2']);

    platform.policy.set(subject('psql'), deny);
    const denied = await psql('-v', 'VERBOSITY=verbose', '-c', 'DELETE FROM customers').catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(denied).toMatchObject({ code: 1 });
    expect((denied as { stderr: string }).stderr).toMatch(
      /ERROR:\s+42501: policy denied the action: deletes are not allowed/,
    );
    platform.policy.delete(subject('psql'));
  });

  describe('protocol abuse', () => {
    /** Startup + password for the raw socket, up to the first ReadyForQuery. */
    async function login() {
      const raw = await rawSocket(port);
      raw.parseMessages();
      raw.socket.write(serialize.startup({ user: subject('raw'), database: 'test-db' }));
      await waitFor(() => raw.messages.some((m) => m.name === 'authenticationCleartextPassword'), {
        what: 'password request',
      });
      raw.socket.write(serialize.password(tokens.raw));
      await waitFor(() => raw.messages.some((m) => m.name === 'readyForQuery'), { what: 'ready' });
      return raw;
    }

    const fatal = (messages: BackendMessage[]) =>
      messages.find((m): m is BackendMessage & { severity: string; code: string } => m.name === 'error');

    it('closes with FATAL 08P01 on garbage bytes, without crashing', async () => {
      const raw = await rawSocket(port);
      raw.parseMessages();
      raw.socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
      await waitFor(() => raw.closed(), { what: 'the connection to close' });
      expect(fatal(raw.messages)).toMatchObject({ severity: 'FATAL', code: '08P01' });

      const after = await login();
      after.socket.write(Buffer.from([0x7a, 0, 0, 0, 4])); // unknown message type 'z'
      await waitFor(() => after.closed(), { what: 'the connection to close' });
      expect(fatal(after.messages)).toMatchObject({ severity: 'FATAL', code: '08P01' });

      const short = await login();
      short.socket.write(Buffer.from([0x50, 0, 0, 0, 6, 0x41, 0x42])); // Parse with unterminated strings
      await waitFor(() => short.closed(), { what: 'the connection to close' });
      expect(fatal(short.messages)).toMatchObject({ severity: 'FATAL', code: '08P01' });
    });

    it('closes with FATAL 08P01 on an oversize message, before reading its body', async () => {
      const raw = await login();
      const header = Buffer.alloc(5);
      header.write('Q');
      header.writeInt32BE(10 * 1024 * 1024, 1);
      raw.socket.write(header);
      await waitFor(() => raw.closed(), { what: 'the connection to close' });
      expect(fatal(raw.messages)).toMatchObject({ severity: 'FATAL', code: '08P01' });
      expect((fatal(raw.messages) as unknown as { message: string }).message).toMatch(/over the limit of 65536/);
    });

    it('refuses COPY data and function calls with 0A000, then is ready again', async () => {
      const raw = await login();
      const before = raw.messages.length;
      raw.socket.write(serialize.copyData(Buffer.from('1\tx\n')));
      raw.socket.write(Buffer.from([0x46, 0, 0, 0, 4])); // FunctionCall, empty
      await waitFor(() => raw.messages.slice(before).filter((m) => m.name === 'readyForQuery').length === 2, {
        what: 'two ReadyForQuery',
      });
      const errors = raw.messages.slice(before).filter((m) => m.name === 'error') as unknown as Array<{ code: string }>;
      expect(errors.map((e) => e.code)).toEqual(['0A000', '0A000']);
      expect(raw.closed()).toBe(false);
      raw.socket.end();
    });

    it('answers SSLRequest and GSSENCRequest with N, closes on CancelRequest, refuses replication', async () => {
      const raw = await rawSocket(port);
      raw.captureBytes();
      const request = (code: number) => {
        const b = Buffer.alloc(8);
        b.writeInt32BE(8, 0);
        b.writeInt32BE(code, 4);
        return b;
      };
      raw.socket.write(request(80877103));
      await waitFor(() => Buffer.concat(raw.bytes).toString() === 'N', { what: 'N to SSLRequest' });
      raw.socket.write(request(80877104));
      await waitFor(() => Buffer.concat(raw.bytes).toString() === 'NN', { what: 'N to GSSENCRequest' });
      raw.socket.end();

      const cancel = await rawSocket(port);
      cancel.captureBytes();
      const b = Buffer.alloc(16);
      b.writeInt32BE(16, 0);
      b.writeInt32BE(80877102, 4);
      b.writeInt32BE(1, 8);
      b.writeInt32BE(2, 12);
      cancel.socket.write(b);
      await waitFor(() => cancel.closed(), { what: 'the cancel connection to close' });
      expect(cancel.bytes).toEqual([]);

      const replication = await errorOf(client('reader', { replication: 'database' } as object).connect());
      expect(replication.code).toBe('0A000');
    });

    it('closes idle connections with 57P05', async () => {
      const raw = await login();
      await waitFor(() => raw.closed(), { what: 'the idle connection to close', timeoutMs: IDLE_MS * 4 });
      expect(fatal(raw.messages)).toMatchObject({ severity: 'FATAL', code: '57P05' });
    });

    it('refuses connections over the limit with 53300', async () => {
      const server = app.get(PgWireServer);
      await waitFor(() => server.size === 0, { what: 'earlier connections to close' });
      const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => rawSocket(port)));
      await waitFor(() => server.size === MAX_CONNECTIONS, { what: 'the connections to count' });
      const over = await errorOf(client('reader').connect());
      expect(over.code).toBe('53300');
      for (const h of held) h.socket.destroy();
      await waitFor(() => server.size === 0, { what: 'the connections to close' });
      expect((await withClient('reader', (c) => c.query('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
    });
  });
});
