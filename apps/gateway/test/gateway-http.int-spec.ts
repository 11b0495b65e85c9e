// http.request through the gateway in-process, against a real HTTP server started here (node:http)
// and the real broker and database. Policy and masking are played on the real topics
// (FakePlatform). The gateway's own log output (pino, written to stdout) is captured, so the
// test can show that the credential appears in no answer, event or log line.
import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionExecuted,
  ActionFailed,
  ActionRequested,
  ActionRequestedV1,
  digestOf,
  ResultCaptured,
  ResultCapturedV1,
} from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { useTestEnvironment, waitFor } from '@verity/testing';
import fs, { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { allow, FakePlatform } from './fake-platform';

const run = randomBytes(4).toString('hex');
/** The credentials the gateway holds; the agent never sends or sees them. */
const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const API_KEY = `key-${randomBytes(12).toString('hex')}`;

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP API under /api, with the routes the tests need; it records every request. */
function startTargetServer(): Promise<{ server: http.Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      switch (url.pathname) {
        case '/api/customers/42':
          return send(
            200,
            { id: 42, name: 'Alice Anders', email: 'alice.anders@example.com' },
            {
              'set-cookie': 'session=server-side-session; HttpOnly',
              etag: '"v1"',
            },
          );
        case '/api/orders':
          return send(201, { created: true, query: Object.fromEntries(url.searchParams), received: JSON.parse(body) });
        case '/api/echo':
          // A debugging endpoint that reflects what it got, the credential included.
          return send(200, { headers: req.headers }, { 'x-echo-auth': String(req.headers.authorization) });
        case '/api/png':
          res.writeHead(200, { 'content-type': 'image/png' });
          return res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
        case '/api/moved':
          res.writeHead(302, { location: '/api/customers/42' });
          return res.end();
        case '/api/away':
          res.writeHead(302, { location: `http://127.0.0.1:${evilPort}/steal` });
          return res.end();
        case '/api/up':
          res.writeHead(307, { location: '/admin' });
          return res.end();
        case '/api/big': {
          // Streamed without a length: the cap must hold while it streams.
          res.writeHead(200, { 'content-type': 'application/json' });
          const piece = `"${'x'.repeat(16 * 1024)}",`;
          let sent = 0;
          const more = () => {
            while (sent < 128 && !res.destroyed) {
              sent++;
              if (!res.write(piece)) return res.once('drain', more);
            }
            if (!res.destroyed) res.end();
          };
          return more();
        }
        case '/api/declared-big':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
          return res.write('x'.repeat(1024));
        case '/api/slow':
          return; // never answers
        default:
          return send(404, { error: 'no such route' });
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port, received }),
    ),
  );
}

let evilPort = 0;

/** A TCP port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Everything this process writes to stdout and stderr, where pino writes the gateway's log lines:
 * through file descriptors 1 and 2 (pino's own stream) or process.stdout/stderr (which pino
 * uses when something, such as this capture, has wrapped them).
 */
function captureProcessOutput(): { text: () => string; restore: () => void } {
  const captured: string[] = [];
  const original = { write: fs.write, writeSync: fs.writeSync };
  const streams = [process.stdout, process.stderr].map((stream) => ({ stream, write: stream.write }));
  for (const { stream, write } of streams) {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (note(stream === process.stdout ? 1 : 2, chunk)) return true;
      return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  }
  /** Notes what goes to stdout or stderr; true for the gateway's own log lines, kept out of the test output. */
  const note = (fd: unknown, data: unknown): boolean => {
    if (fd !== 1 && fd !== 2) return false;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
    captured.push(text);
    return text.includes('"app":"gateway"');
  };
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (note(fd, data)) return Buffer.byteLength(Buffer.isBuffer(data) ? data : String(data));
    return (original.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  fs.write = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (note(fd, data)) {
      const done = rest.find((r) => typeof r === 'function') as ((e: null, n: number) => void) | undefined;
      return done && process.nextTick(done, null, Buffer.byteLength(Buffer.isBuffer(data) ? data : String(data)));
    }
    return (original.write as (...a: unknown[]) => void)(fd, data, ...rest);
  }) as typeof fs.write;
  return {
    text: () => captured.join(''),
    restore: () => {
      Object.assign(fs, original);
      for (const { stream, write } of streams) stream.write = write;
    },
  };
}

describe('gateway http.request (real HTTP server, Kafka, PostgreSQL)', () => {
  const platform = new FakePlatform(run, []);
  let app: INestApplication;
  let base: string;
  let token: string;
  let target: Awaited<ReturnType<typeof startTargetServer>>;
  let evil: { server: http.Server; hits: number };
  let logs: ReturnType<typeof captureProcessOutput>;
  const session = (name: string) => `gw-http-${run}-${name}`;
  const answers: string[] = [];

  const post = async (body: unknown) => {
    const res = await fetch(`${base}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: JSON.parse(text) };
  };
  const request = (name: string, input: Record<string, unknown>, connection = 'api') =>
    post({ connection, operation: 'http.request', input, sessionId: session(name) });
  /** The requests the target received for a path (the query left aside). */
  const receivedAt = (p: string) => target.received.filter((r) => r.url.split('?')[0] === p);

  beforeAll(async () => {
    target = await startTargetServer();
    evil = { server: http.createServer((_req, res) => (evil.hits++, res.end('stolen'))), hits: 0 };
    await new Promise<void>((resolve) => evil.server.listen(0, '127.0.0.1', resolve));
    evilPort = (evil.server.address() as net.AddressInfo).port;

    const home = mkdtempSync(path.join(tmpdir(), 'verity-gateway-http-it-'));
    const keyFile = path.join(home, 'api-key.secret');
    writeFileSync(keyFile, `${API_KEY}\n`);
    const connections = path.join(home, 'connections.yaml');
    writeFileSync(
      connections,
      [
        'connections:',
        '  api:',
        '    type: http',
        `    baseUrl: http://127.0.0.1:${target.port}/api`,
        '    auth:',
        '      bearer: { env: GATEWAY_HTTP_IT_TOKEN }',
        '    headers: { x-tenant: acme }',
        '    timeoutMs: 1500',
        '    maxResponseBytes: 65536',
        '  api-key:',
        '    type: http',
        `    baseUrl: http://127.0.0.1:${target.port}/api/`,
        '    auth:',
        `      header: { name: X-Api-Key, value: { file: ${keyFile} } }`,
        '  down-api:',
        '    type: http',
        `    baseUrl: http://127.0.0.1:${await closedPort()}/api`,
        '  some-db:',
        '    type: postgres',
        '    host: 127.0.0.1',
        `    port: ${await closedPort()}`,
        '    database: nothing',
        '    user: nobody',
        '    password: { env: GATEWAY_HTTP_IT_DB_PASSWORD }',
      ].join('\n'),
    );
    logs = captureProcessOutput();
    useTestEnvironment({
      VERITY_HOME: home,
      VERITY_CONNECTIONS: connections,
      GATEWAY_PORT: '0',
      GATEWAY_PG_PORT: '0',
      LOG_LEVEL: 'debug',
      GATEWAY_HTTP_IT_TOKEN: TOKEN,
      GATEWAY_HTTP_IT_DB_PASSWORD: 'not-a-real-password',
      GATEWAY_DECISION_TIMEOUT_MS: '5000',
      GATEWAY_MASKING_TIMEOUT_MS: '5000',
    });
    // Imported only now: the app module reads part of its configuration when it is loaded.
    const { startGateway } = await import('../src/main');
    app = await startGateway();
    base = `http://127.0.0.1:${(app.getHttpServer().address() as net.AddressInfo).port}`;
    await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, { what: 'gateway ready', timeoutMs: 30_000 });
    await platform.start();
    token = await (await DevIssuer.load(home)).mint({ sub: `alice-${run}`, groups: ['analysts'] });
  });

  afterAll(async () => {
    logs?.restore();
    await platform.stop();
    await app?.close();
    target?.server.closeAllConnections();
    await new Promise((resolve) => target?.server.close(resolve));
    await new Promise((resolve) => evil?.server.close(resolve));
  });

  it('runs a GET with the connection credential and answers with status, headers and body', async () => {
    const input = { method: 'GET', path: '/customers/42', headers: { accept: 'application/json' } };
    const res = await request('get', input);
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe('allow');
    expect(res.body.payloadDigest).toBe(digestOf(input));
    const { columns, rows, rowCount, truncated } = res.body.result;
    expect({ columns, rowCount, truncated }).toEqual({
      columns: ['status', 'headers', 'body', 'bodyEncoding'],
      rowCount: 1,
      truncated: false,
    });
    const [status, headers, body, encoding] = rows[0];
    expect(status).toBe(200);
    expect(headers).toMatchObject({ 'content-type': 'application/json', etag: '"v1"' });
    expect(headers['set-cookie']).toBeUndefined();
    expect(JSON.parse(body)).toEqual({ id: 42, name: 'Alice Anders', email: 'alice.anders@example.com' });
    expect(encoding).toBe('text');

    // The server got the configured credential and fixed header, and the agent's own header.
    const [got] = receivedAt('/api/customers/42');
    expect(got.method).toBe('GET');
    expect(got.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(got.headers['x-tenant']).toBe('acme');
    expect(got.headers.accept).toBe('application/json');

    const requested = await platform.one<ActionRequestedV1>(ActionRequested, res.body.actionId);
    expect(requested.data).toMatchObject({ connection: 'api', operation: 'http.request', payload: input });
    const captured = await platform.one<ResultCapturedV1>(ResultCaptured, res.body.actionId);
    expect(captured.data.result.rows[0][0]).toBe(200);
    const executed = await platform.one(ActionExecuted, res.body.actionId);
    expect(executed.data).toMatchObject({ payloadDigest: res.body.payloadDigest, result: res.body.result });
  });

  it('runs a POST with a JSON body and a query, and a header credential read from a file', async () => {
    const input = {
      method: 'POST',
      path: '/orders',
      query: { dryRun: 'true', tag: ['a', 'b c'] },
      body: { item: 'book', quantity: 2 },
    };
    const res = await request('post', input, 'api-key');
    expect(res.status).toBe(200);
    const [status, , body] = res.body.result.rows[0];
    expect(status).toBe(201);
    expect(JSON.parse(body)).toEqual({
      created: true,
      query: { dryRun: 'true', tag: 'b c' },
      received: { item: 'book', quantity: 2 },
    });
    const [got] = receivedAt('/api/orders');
    expect(got.url).toBe('/api/orders?dryRun=true&tag=a&tag=b+c');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-api-key']).toBe(API_KEY);
    expect(got.headers.authorization).toBeUndefined();
  });

  it('scrubs a credential the target echoes back, in headers and body', async () => {
    const res = await request('echo', { method: 'GET', path: '/echo' });
    expect(res.status).toBe(200);
    const [, headers, body] = res.body.result.rows[0];
    expect(headers['x-echo-auth']).toBe('Bearer [REDACTED]');
    expect(JSON.parse(body).headers.authorization).toBe('Bearer [REDACTED]');
    const captured = await platform.one<ResultCapturedV1>(ResultCaptured, res.body.actionId);
    expect(JSON.stringify(captured)).not.toContain(TOKEN);
  });

  it('returns a binary body as base64, and a target error status as a result', async () => {
    const png = await request('png', { method: 'GET', path: '/png' });
    expect(png.body.result.rows[0].slice(2)).toEqual([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'),
      'base64',
    ]);
    const missing = await request('missing', { method: 'GET', path: '/nothing-here' });
    expect(missing.status).toBe(200);
    expect(missing.body.result.rows[0][0]).toBe(404);
  });

  it('follows a redirect that stays under the base URL', async () => {
    const res = await request('moved', { method: 'GET', path: '/moved' });
    expect(res.status).toBe(200);
    expect(res.body.result.rows[0][0]).toBe(200);
    expect(JSON.parse(res.body.result.rows[0][2]).id).toBe(42);
  });

  it('refuses a redirect off the base URL, without following it or echoing where it led', async () => {
    for (const [name, p] of [
      ['away', '/away'],
      ['up', '/up'],
    ]) {
      const res = await request(name, { method: 'GET', path: p });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('TARGET.REDIRECT_REJECTED');
      expect(res.body.error.message).not.toMatch(/127\.0\.0\.1|steal|admin/);
      const failed = await platform.one(ActionFailed, res.body.error.details.actionId);
      expect(failed.data).toMatchObject({ stage: 'execution', code: 'TARGET.REDIRECT_REJECTED' });
    }
    expect(evil.hits).toBe(0);
    expect(receivedAt('/admin')).toEqual([]);
  });

  it('refuses a response over the size cap, streamed or declared, and keeps nothing of it', async () => {
    for (const [name, p] of [
      ['big', '/big'],
      ['declared-big', '/declared-big'],
    ]) {
      const res = await request(name, { method: 'GET', path: p });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'TARGET.OVERSIZE_REJECTED', details: { limitBytes: 65536 } });
      const actionId = res.body.error.details.actionId;
      const failed = await platform.one(ActionFailed, actionId);
      expect(failed.data).toMatchObject({ stage: 'execution', code: 'TARGET.OVERSIZE_REJECTED' });
      expect(platform.events(ResultCaptured, actionId)).toEqual([]);
    }
  });

  it('answers 504 when the target does not answer within the timeout', async () => {
    const started = Date.now();
    const res = await request('slow', { method: 'GET', path: '/slow' });
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('TARGET.TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    const failed = await platform.one(ActionFailed, res.body.error.details.actionId);
    expect(failed.data).toMatchObject({ stage: 'execution', code: 'TARGET.TIMEOUT' });
  });

  it('answers 502 when the target cannot be reached, without its address', async () => {
    const res = await request('down', { method: 'GET', path: '/x' }, 'down-api');
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'TARGET.UNAVAILABLE', message: 'connection down-api is unavailable' });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('runs only GET and HEAD when the decision says read-only', async () => {
    platform.policy.set(session('ro'), allow({ readOnly: true }));
    const before = receivedAt('/api/orders').length;
    const res = await request('ro', { method: 'POST', path: '/orders', body: { item: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('TARGET.WRITE_REJECTED');
    expect(receivedAt('/api/orders').length).toBe(before);
  });

  it('refuses, before any event, an operation of another connection type, a path off the base, a GET body', async () => {
    const cases: Array<[string, object, number, string]> = [
      [
        'sql-on-http',
        { connection: 'api', operation: 'sql.query', input: { sql: 'SELECT 1' } },
        400,
        'CONNECTION.OPERATION_INVALID',
      ],
      [
        'http-on-pg',
        { connection: 'some-db', operation: 'http.request', input: { method: 'GET', path: '/' } },
        400,
        'CONNECTION.OPERATION_INVALID',
      ],
      [
        'escape',
        { connection: 'api', operation: 'http.request', input: { method: 'GET', path: '/../admin' } },
        400,
        'REQUEST.INVALID',
      ],
      [
        'encoded-escape',
        { connection: 'api', operation: 'http.request', input: { method: 'GET', path: '/%2e%2e/admin' } },
        400,
        'REQUEST.INVALID',
      ],
      [
        'cred-header',
        {
          connection: 'api',
          operation: 'http.request',
          input: { method: 'GET', path: '/echo', headers: { Authorization: 'Bearer agent-made' } },
        },
        400,
        'REQUEST.INVALID',
      ],
      [
        'get-body',
        { connection: 'api', operation: 'http.request', input: { method: 'GET', path: '/orders', body: { a: 1 } } },
        400,
        'REQUEST.INVALID',
      ],
    ];
    for (const [name, body, status, code] of cases) {
      const res = await post({ ...body, sessionId: session(name) });
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status, code });
    }
    const sessions = cases.map(([name]) => session(name));
    const rows = await app
      .get(DataSource)
      .query('SELECT id FROM gateway.actions WHERE session_id = ANY($1)', [sessions]);
    expect(rows).toEqual([]);
    // Events of later actions have arrived, so any of these would have too.
    const later = await request('after-refusals', { method: 'GET', path: '/customers/42' });
    await platform.one(ActionDecided, later.body.actionId);
    expect(platform.seen.filter((e) => sessions.includes(e.sessionid))).toEqual([]);
    expect(receivedAt('/api/admin')).toEqual([]);
  });

  it('never shows the credentials in an answer, an event or a log line', async () => {
    const text = logs.text();
    // The capture holds the gateway's log lines (so a leak there would be seen).
    const someAction = JSON.parse(answers[0]).actionId;
    expect(text).toContain(someAction);
    const events = JSON.stringify(platform.seen);
    expect(platform.seen.length).toBeGreaterThan(20);
    const basic = Buffer.from(TOKEN).toString('base64');
    for (const secret of [TOKEN, API_KEY, basic]) {
      expect(answers.join('\n')).not.toContain(secret);
      expect(events).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
  });
});
