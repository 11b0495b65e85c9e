/**
 * Security catalogue, HTTP side, against the five real services (real Kafka and PostgreSQL):
 * fuzzing of every endpoint, token attacks the identity tests do not already cover, privilege
 * checks on every audit, review and admin endpoint, oversized and deeply nested bodies,
 * slow-loris, and at the end a search of every log line and every event of the run for the
 * credentials it used. docs/security.md lists what is covered where.
 */
import { newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, testKafkaBrokers, TopicTap, waitFor } from '@verity/testing';
import { EVENT_REGISTRY, deadLetterTopic } from '@verity/contracts';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import path from 'node:path';
import { closeRawAgent, rawRequest, refusalProblem } from './raw-http';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

type App = 'gateway' | 'audit' | 'ledger' | 'policy' | 'masking';
interface Endpoint {
  app: App;
  method: string;
  path: string;
  runs: number;
}

const API_RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 120);
const OPS_RUNS = Math.ceil(API_RUNS / 3);

/** Every route the five apps serve (read from their controllers); `:x` is fuzzed. */
const ENDPOINTS: Endpoint[] = [
  'POST /v1/actions',
  'GET /v1/actions/:id',
  'GET /v1/reviews',
  'GET /v1/reviews/:id',
  'POST /v1/reviews/:id/approve',
  'POST /v1/reviews/:id/reject',
  'POST /v1/api-keys',
  'GET /v1/api-keys',
  'DELETE /v1/api-keys/:id',
  'POST /mcp',
  'GET /mcp',
  'DELETE /mcp',
  'GET /.well-known/oauth-protected-resource',
]
  .map((r): Endpoint => ({ app: 'gateway', method: r.split(' ')[0], path: r.split(' ')[1], runs: API_RUNS }))
  .concat(
    ['GET /v1/audit/actions', 'GET /v1/audit/actions/:id', 'GET /v1/audit/sessions/:id', 'GET /'].map((r) => ({
      app: 'audit' as const,
      method: r.split(' ')[0],
      path: r.split(' ')[1],
      runs: API_RUNS,
    })),
  )
  .concat(
    [
      'GET /v1/ledger/checkpoint',
      'POST /v1/ledger/checkpoint',
      'GET /v1/ledger/checkpoints',
      'GET /v1/ledger/shards',
      'GET /v1/ledger/public-key',
      'GET /v1/ledger/entries/:index',
      'GET /v1/ledger/entries',
      'GET /v1/ledger/events/:id',
      'GET /v1/ledger/proofs/consistency',
      'GET /v1/ledger/evidence',
      'GET /v1/ledger/tlog/checkpoint',
      'GET /v1/ledger/tlog/tile/:a/:b',
      'GET /v1/ledger/shards/:shard/tlog/checkpoint',
      'GET /v1/ledger/shards/:shard/tlog/tile/:a/:b',
    ].map((r) => ({ app: 'ledger' as const, method: r.split(' ')[0], path: r.split(' ')[1], runs: API_RUNS })),
  )
  .concat(
    (['gateway', 'audit', 'ledger', 'policy', 'masking'] as const).flatMap((app) =>
      ['GET /health/live', 'GET /health/ready', 'GET /metrics'].map((r) => ({
        app,
        method: r.split(' ')[0],
        path: r.split(' ')[1],
        runs: OPS_RUNS,
      })),
    ),
  );

/** Names the DTOs know, so that fuzzed bodies reach validation and not only the unknown-field check. */
const FIELDS = [
  'connection',
  'operation',
  'input',
  'sql',
  'params',
  'sessionId',
  'agent',
  'thought',
  'step',
  'comment',
  'payloadDigest',
  'name',
  'groups',
  'connections',
  'subject',
  'method',
  'path',
  'body',
  'query',
  'headers',
  'jsonrpc',
  'id',
  'params',
  '__proto__',
  'constructor',
];
const QUERY_KEYS = [
  'limit',
  'cursor',
  'sessionId',
  'identity',
  'connection',
  'decision',
  'status',
  'from',
  'to',
  'q',
  'format',
  'wait',
  'shard',
  'first',
  'second',
  'size',
  'index',
  'actionId',
  '__proto__',
  'a[b]',
  'a[][c]',
];

const weird = fc.constantFrom(
  '%',
  '%zz',
  '%00',
  '%2e%2e',
  '..',
  '%2f',
  '%c0%af',
  '%ff%fe',
  '-1',
  '1e309',
  '9'.repeat(40),
  '00000000-0000-0000-0000-000000000000',
  '------------------------------------',
  'NaN',
  'null',
  "'%20OR%201=1%20--",
  "';DROP%20TABLE%20x;--",
  '${jndi:x}',
  '<script>',
);
/** A path segment: percent-encoded arbitrary text, raw printable ASCII, or a known trouble maker. */
const segment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }).map(encodeURIComponent),
  fc.string({ unit: fc.constantFrom(...'!$&\'()*+,-.0123456789:;=@AZ_az~%[]{}|^`"<>\\'.split('')), maxLength: 40 }),
  weird,
);
const queryValue = fc.oneof(segment, fc.nat().map(String), fc.integer().map(String), fc.constant(''));
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), segment), queryValue), { maxLength: 5 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

const known = fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
const body = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: known.map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), weight: 1 },
  { arbitrary: fc.constantFrom('{', '{"a":', '[1,', '{"a":1}}', '\u0000', '{"a":"\\ud800"}', 'nul'), weight: 1 },
  {
    arbitrary: fc.constantFrom(300_000, 60_000).map((n) => JSON.stringify({ connection: 'x'.repeat(n) })),
    weight: 1,
  },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/*',
  undefined,
);
const encoding = fc.constantFrom(undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'bogus');

describe('security catalogue: HTTP', () => {
  let platform: RunningPlatform;
  let tap: TopicTap;
  let issuer: DevIssuer;
  const tokens: Record<string, string> = {};
  const run = randomBytes(4).toString('hex');
  const session = `sec-http-${run}`;
  const httpSecret = `sec-http-credential-${randomBytes(12).toString('hex')}`;
  let target: http.Server;
  let fuzzCases = 0;

  beforeAll(async () => {
    // An HTTP target the platform calls with a bearer credential from the environment.
    target = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    );
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    // The demo policy bundle, with sec-api among the known connections.
    const policies = mkdtempSync(path.join(tmpdir(), 'verity-security-policies-'));
    for (const file of readdirSync(path.join(REPO_ROOT, 'deploy/policies'))) {
      const text = readFileSync(path.join(REPO_ROOT, 'deploy/policies', file), 'utf8');
      writeFileSync(
        path.join(policies, file),
        text.replace('Connection::"down-db"]', 'Connection::"down-db", Connection::"sec-api"]'),
      );
    }
    platform = await startPlatform({
      env: {
        VERITY_POLICY_DIR: policies,
        LOG_LEVEL: 'debug',
        SECURITY_E2E_HTTP_TOKEN: httpSecret,
        // Short enough for the slow-loris test to see the cut-off quickly.
        HTTP_HEADERS_TIMEOUT_MS: '3000',
        HTTP_REQUEST_TIMEOUT_MS: '5000',
        HTTP_CONNECTIONS_CHECK_MS: '250',
      },
      connections: [
        '  sec-api:',
        '    type: http',
        `    baseUrl: http://127.0.0.1:${(target.address() as AddressInfo).port}/api`,
        '    auth:',
        '      bearer: { env: SECURITY_E2E_HTTP_TOKEN }',
      ],
    });
    const kafka = new Kafka({
      clientId: 'security-e2e',
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    tap = await TopicTap.open(kafka, [
      ...EVENT_REGISTRY.map((d) => d.topic),
      ...EVENT_REGISTRY.map((d) => deadLetterTopic(d.topic)),
    ]);
    issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    const mint = (sub: string, groups: string[], extra: Record<string, unknown> = {}) =>
      issuer.mint({ sub: `${sub}-${run}`, groups, ...extra });
    tokens.all = await mint('root', ['analysts', 'approvers', 'compliance', 'admins']);
    tokens.none = await mint('nobody', ['nobody']);
    tokens.analyst = await mint('alice', ['analysts']);
    tokens.analyst2 = await mint('carol', ['analysts']);
    tokens.agent = await issuer.mint({ sub: `alice-${run}`, groups: ['analysts'], act: { sub: `agent:bot-${run}` } });
    tokens.approver = await mint('bob', ['approvers']);
    tokens.delegatedApprover = await issuer.mint({
      sub: `bob-${run}`,
      groups: ['approvers'],
      act: { sub: `agent:helper-${run}` },
    });
    tokens.chainApprover = await issuer.mint({ sub: `agent:bot-${run}`, groups: ['approvers'] });
    tokens.compliance = await mint('carl', ['compliance']);
    tokens.admin = await mint('ada', ['admins']);
  }, 240_000);

  afterAll(async () => {
    closeRawAgent();
    await tap?.close();
    await platform?.stop();
    await new Promise((resolve) => target?.close(resolve));
  });

  const gw = (method: string, p: string, token?: string, json?: unknown) =>
    rawRequest(platform.url.gateway, {
      method,
      path: p,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  const code = (answer: { body: string }) => (JSON.parse(answer.body) as Json).error?.code as string;

  describe('fuzzing every endpoint (fast-check)', () => {
    const byApp = (app: App) => ENDPOINTS.filter((e) => e.app === app);

    it.each(['gateway', 'audit', 'ledger', 'policy', 'masking'] as const)(
      '%s: only 4xx with a stable code, never a 5xx or a hang',
      async (app) => {
        for (const endpoint of byApp(app)) {
          await fc.assert(
            fc.asyncProperty(
              fc.array(segment, { minLength: 4, maxLength: 4 }),
              query,
              body,
              contentType,
              encoding,
              fc.constantFrom('all', 'none', 'garbage', 'absent', 'analyst'),
              async (segments, q, payload, type, enc, who) => {
                let i = 0;
                const p = endpoint.path.replace(/:[a-z]+/g, () => segments[i++]) + q;
                // Framed correctly: a body without a length would be read as the next request.
                const headers: Record<string, string> =
                  payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) };
                if (type) headers['content-type'] = type;
                if (enc && payload !== undefined) headers['content-encoding'] = enc;
                if (who === 'garbage') headers.authorization = `Bearer ${segments[0]}`;
                else if (who !== 'absent') headers.authorization = `Bearer ${tokens[who]}`;
                if (endpoint.path === '/mcp') headers.accept = 'application/json, text/event-stream';
                const answer = await rawRequest(platform.url[app], {
                  method: endpoint.method,
                  path: p,
                  headers,
                  body: payload,
                });
                fuzzCases++;
                const problem = refusalProblem(answer, endpoint.method, endpoint.path === '/mcp');
                if (problem) throw new Error(`${endpoint.method} ${p}: ${problem}`);
              },
            ),
            { numRuns: endpoint.runs },
          );
        }
        // Unknown routes and methods are 404/405 with the same error shape.
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE'),
            fc.array(segment, { minLength: 1, maxLength: 4 }),
            query,
            async (method, segments, q) => {
              const answer = await rawRequest(platform.url[app], { method, path: `/${segments.join('/')}${q}` });
              fuzzCases++;
              const problem = refusalProblem(answer, method, true);
              if (problem) throw new Error(`${method} /${segments.join('/')}${q}: ${problem}`);
            },
          ),
          { numRuns: OPS_RUNS },
        );
        const ready = await rawRequest(platform.url[app], { method: 'GET', path: '/health/ready' });
        expect(ready.status).toBe(200);
      },
      300_000,
    );

    it('ran thousands of cases and every app still answers /health/ready', async () => {
      expect(fuzzCases).toBeGreaterThanOrEqual(API_RUNS >= 120 ? 4000 : 1);
      for (const app of ['gateway', 'audit', 'ledger', 'policy', 'masking'] as const) {
        expect((await rawRequest(platform.url[app], { method: 'GET', path: '/health/ready' })).status).toBe(200);
      }
    });
  });
  describe('token attacks not covered by libs/identity and gateway-identity (dev identity, over HTTP)', () => {
    let jkuHits = 0;
    let jku: http.Server;
    beforeAll(async () => {
      jku = http.createServer((_req, res) => (jkuHits++, res.end('{"keys":[]}')));
      await new Promise<void>((resolve) => jku.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => jku.close(resolve)));

    const claims = () => ({
      sub: `mallory-${run}`,
      groups: ['analysts', 'approvers', 'compliance', 'admins'],
      iss: 'verity-dev',
      aud: 'verity',
      exp: Math.floor(Date.now() / 1000) + 300,
    });
    const attackerKey = async () => generateKeyPair('ES256', { extractable: true });
    const devClaims = async () => {
      // The dev issuer's own iss/aud, read from a token it minted.
      const [, payload] = tokens.analyst.split('.');
      const { iss, aud } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: string; aud: string };
      return { ...claims(), iss, aud };
    };

    const attacks: Array<[string, () => Promise<string>]> = [
      [
        'attacker key embedded in the header (jwk)',
        async () => {
          const { privateKey, publicKey } = await attackerKey();
          return new SignJWT(await devClaims())
            .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) })
            .sign(privateKey);
        },
      ],
      [
        'attacker key set URL in the header (jku, x5u)',
        async () => {
          const { privateKey } = await attackerKey();
          const url = `http://127.0.0.1:${(jku.address() as AddressInfo).port}/jwks`;
          return new SignJWT(await devClaims())
            .setProtectedHeader({ alg: 'ES256', jku: url, x5u: url })
            .sign(privateKey);
        },
      ],
      [
        'kid path traversal with HS256 and an empty-file secret',
        async () =>
          new SignJWT(await devClaims())
            .setProtectedHeader({ alg: 'HS256', kid: '../../../../../../dev/null' })
            .sign(new Uint8Array(32)),
      ],
      [
        'kid SQL injection',
        async () => {
          const { privateKey } = await attackerKey();
          return new SignJWT(await devClaims())
            .setProtectedHeader({ alg: 'ES256', kid: "x' UNION SELECT 'key' --" })
            .sign(privateKey);
        },
      ],
      [
        'HS256 with the dev public key (PEM and JWK) as secret',
        async () => {
          const jwk = JSON.stringify(issuer.publicJwk);
          return new SignJWT(await devClaims())
            .setProtectedHeader({ alg: 'HS256', kid: (issuer.publicJwk as { kid?: string }).kid })
            .sign(new TextEncoder().encode(jwk));
        },
      ],
      [
        'unknown critical header',
        async () => {
          const [h, p, sig] = tokens.analyst.split('.');
          const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as object;
          const forged = Buffer.from(JSON.stringify({ ...header, crit: ['x-evil'], 'x-evil': 1 })).toString(
            'base64url',
          );
          return `${forged}.${p}.${sig}`;
        },
      ],
      [
        'tampered signature (one bit)',
        async () => {
          const [h, p, sig] = tokens.analyst.split('.');
          const bytes = Buffer.from(sig, 'base64url');
          bytes[0] ^= 1;
          return `${h}.${p}.${bytes.toString('base64url')}`;
        },
      ],
      ['signature stripped', async () => tokens.analyst.split('.').slice(0, 2).join('.') + '.'],
      ['a JWE-shaped five-part token', async () => `${tokens.analyst}.AAAA.BBBB`],
      [
        'oversized (8 kB of claims, attacker-signed)',
        async () => {
          const { privateKey } = await attackerKey();
          return new SignJWT({ ...(await devClaims()), pad: 'x'.repeat(8_000) })
            .setProtectedHeader({ alg: 'ES256' })
            .sign(privateKey);
        },
      ],
    ];

    it.each(attacks)('%s: 401 AUTH.UNAUTHENTICATED', async (_name, forge) => {
      const token = await forge();
      for (const [method, p] of [
        ['GET', '/v1/reviews'],
        ['GET', `/v1/actions/${newId()}`],
      ]) {
        const answer = await gw(method, p, token);
        expect(answer.status).toBe(401);
        expect(code(answer)).toBe('AUTH.UNAUTHENTICATED');
      }
      const audit = await rawRequest(platform.url.audit, {
        method: 'GET',
        path: '/v1/audit/actions',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(audit.status).toBe(401);
      expect(jkuHits).toBe(0);
    });

    it('a token in the query string is not accepted, and a 64 kB one is cut off by the server (431, JSON)', async () => {
      const query = await gw('GET', `/v1/reviews?access_token=${tokens.all}`);
      expect(query.status).toBe(401);
      const huge = await gw('GET', '/v1/reviews', 'x'.repeat(64 * 1024));
      expect(huge.status).toBe(431);
      expect(code(huge)).toBe('REQUEST.HEADERS_TOO_LARGE');
      expect((await gw('GET', '/health/ready')).status).toBe(200);
    });
  });

  describe('privileges on every review, audit and admin endpoint', () => {
    const id = newId();
    const auditRoutes = ['/v1/audit/actions', `/v1/audit/actions/${id}`, `/v1/audit/sessions/${session}`];
    const apiKey = { name: `sec-${run}`, connections: ['demo-db'], groups: ['analysts'] };
    const action = { connection: 'demo-db', operation: 'sql.query', input: { sql: 'SELECT 1' } };
    // [method, path, body, who else must be refused]. GET /v1/actions/:id has no group rule: a
    // caller sees only their own actions, anyone else's is 404 (as if it did not exist).
    const gatewayRoutes: Array<[string, string, unknown, string]> = [
      ['GET', '/v1/reviews', null, 'analyst compliance admin'],
      ['GET', `/v1/reviews/${id}`, null, 'analyst compliance admin'],
      ['POST', `/v1/reviews/${id}/approve`, { comment: 'ok' }, 'analyst compliance admin'],
      ['POST', `/v1/reviews/${id}/reject`, { comment: 'no' }, 'analyst compliance admin'],
      ['POST', '/v1/api-keys', apiKey, 'analyst approver compliance'],
      ['GET', '/v1/api-keys', null, 'analyst approver compliance'],
      ['DELETE', `/v1/api-keys/${id}`, null, 'analyst approver compliance'],
      ['POST', '/v1/actions', action, 'approver compliance admin'],
    ];

    it.each(gatewayRoutes)(
      'gateway %s %s: 401 without a token, 403 outside its groups',
      async (method, p, json, others) => {
        const body = json ?? undefined;
        const anonymous = await gw(method, p, undefined, body);
        expect([anonymous.status, code(anonymous)]).toEqual([401, 'AUTH.UNAUTHENTICATED']);
        for (const who of ['none', ...others.split(' ')]) {
          const answer = await gw(method, p, tokens[who], body);
          expect([who, answer.status, code(answer)]).toEqual([who, 403, 'AUTH.FORBIDDEN']);
        }
      },
    );

    it('gateway GET /v1/actions/:id: 401 without a token, 404 for an action of someone else', async () => {
      const mine = await gw('POST', '/v1/actions', tokens.analyst, { ...action, sessionId: session });
      expect(mine.status).toBe(200);
      const actionId = (JSON.parse(mine.body) as Json).actionId as string;
      expect((await gw('GET', `/v1/actions/${actionId}`, tokens.analyst)).status).toBe(200);
      const anonymous = await gw('GET', `/v1/actions/${actionId}`);
      expect([anonymous.status, code(anonymous)]).toEqual([401, 'AUTH.UNAUTHENTICATED']);
      for (const who of ['none', 'analyst2', 'approver', 'compliance', 'admin']) {
        const answer = await gw('GET', `/v1/actions/${actionId}`, tokens[who]);
        expect([who, answer.status, code(answer)]).toEqual([who, 404, 'ACTION.NOT_FOUND']);
      }
    });

    it.each(auditRoutes)('audit GET %s: 401 without a token, 403 outside compliance', async (p) => {
      const ask = (token?: string) =>
        rawRequest(platform.url.audit, {
          method: 'GET',
          path: p,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
      const anonymous = await ask();
      expect([anonymous.status, code(anonymous)]).toEqual([401, 'AUTH.UNAUTHENTICATED']);
      for (const who of ['none', 'analyst', 'approver', 'admin']) {
        const answer = await ask(tokens[who]);
        expect([who, answer.status, code(answer)]).toEqual([who, 403, 'AUTH.FORBIDDEN']);
      }
      expect((await ask(tokens.compliance)).status).not.toBe(403);
    });

    it('an agent-delegated reviewer and a party of the request chain cannot approve a held write', async () => {
      const held = await gw('POST', '/v1/actions', tokens.agent, {
        connection: 'demo-db',
        operation: 'sql.query',
        input: { sql: "UPDATE customers SET notes = 'sec' WHERE id = -1" },
        sessionId: session,
      });
      expect(held.status).toBe(202);
      const actionId = (JSON.parse(held.body) as Json).actionId as string;
      await waitFor(async () => (await gw('GET', `/v1/reviews/${actionId}`, tokens.approver)).status === 200, {
        what: 'the review to open',
      });
      const delegated = await gw('POST', `/v1/reviews/${actionId}/approve`, tokens.delegatedApprover, {
        comment: 'ok',
      });
      expect([delegated.status, code(delegated)]).toEqual([403, 'REVIEW.NOT_PERMITTED']);
      const chain = await gw('POST', `/v1/reviews/${actionId}/approve`, tokens.chainApprover, { comment: 'ok' });
      expect([chain.status, code(chain)]).toEqual([403, 'REVIEW.SELF_APPROVAL']);
      const rejected = await gw('POST', `/v1/reviews/${actionId}/reject`, tokens.approver, { comment: 'not today' });
      expect(rejected.status).toBe(200);
    });
  });

  describe('oversized, deeply nested and malformed requests', () => {
    const post = (app: App, p: string, payload: string | Buffer, token = tokens.all) =>
      rawRequest(platform.url[app], {
        method: 'POST',
        path: p,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          accept: 'application/json, text/event-stream',
        },
        body: payload,
        timeoutMs: 20_000,
      });
    const routes: Array<[App, string]> = [
      ['gateway', '/v1/actions'],
      ['gateway', `/v1/reviews/${newId()}/approve`],
      ['gateway', '/v1/api-keys'],
      ['gateway', '/mcp'],
      ['ledger', '/v1/ledger/checkpoint'],
    ];

    it.each(routes)('%s %s: 8 MB is 413 REQUEST.TOO_LARGE', async (app, p) => {
      const answer = await post(app, p, JSON.stringify({ connection: 'x'.repeat(8 * 1024 * 1024) }));
      expect([answer.status, code(answer)]).toEqual([413, 'REQUEST.TOO_LARGE']);
    });

    it.each(routes)('%s %s: 50,000 levels of nesting is a 4xx, not a 500', async (app, p) => {
      const depth = 50_000;
      for (const nested of [
        '['.repeat(depth) + ']'.repeat(depth),
        '{"input":'.repeat(depth) + '1' + '}'.repeat(depth),
        JSON.stringify({
          connection: 'demo-db',
          operation: 'sql.query',
          input: { sql: 'SELECT 1', params: [] },
        }).replace('"params":[]', `"params":${'['.repeat(5_000)}${']'.repeat(5_000)}`),
      ]) {
        const answer = await post(app, p, nested);
        expect(refusalProblem(answer, 'POST', p === '/mcp')).toBeUndefined();
        expect(answer.status).toBeGreaterThanOrEqual(400);
      }
      expect((await rawRequest(platform.url[app], { method: 'GET', path: '/health/ready' })).status).toBe(200);
    });

    it('answers a request it cannot parse as HTTP with 400 REQUEST.MALFORMED_HTTP', async () => {
      for (const raw of [
        'GET /\u00ff HTTP/1.1\r\nHost: x\r\n\r\n',
        'NOT HTTP AT ALL\r\n\r\n',
        'GET / HTTP/1.1\r\nHost x\r\n\r\n',
      ]) {
        const answer = await rawSocket(platform.url.gateway, raw);
        expect(answer).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer).toContain('"code":"REQUEST.MALFORMED_HTTP"');
      }
    });
  });

  describe('slow-loris', () => {
    /** Sends `head` then one more byte every `everyMs`; resolves with how long the server kept the socket open and what it said. */
    const trickle = (head: string, drip: string, everyMs: number) =>
      new Promise<{ ms: number; said: string }>((resolve, reject) => {
        const url = new URL(platform.url.gateway);
        const socket = net.connect(Number(url.port), url.hostname);
        const started = Date.now();
        let said = '';
        let timer: NodeJS.Timeout | undefined;
        const limit = setTimeout(() => {
          socket.destroy();
          reject(new Error('the server kept a trickling client connected for 20 s'));
        }, 20_000);
        socket.on('connect', () => {
          socket.write(head);
          let i = 0;
          timer = setInterval(() => socket.write(drip[i++ % drip.length]), everyMs);
        });
        socket.on('data', (d) => (said += d.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          clearTimeout(limit);
          resolve({ ms: Date.now() - started, said });
        });
      });

    it('cuts off a client that sends its headers one byte a second (headersTimeout), and keeps serving', async () => {
      const [cut, ready] = await Promise.all([
        trickle('GET /health/live HTTP/1.1\r\nHost: x\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1000),
        rawRequest(platform.url.gateway, { method: 'GET', path: '/health/ready' }),
      ]);
      expect(ready.status).toBe(200);
      expect(cut.ms).toBeLessThan(8_000);
      expect(cut.said).toMatch(/^HTTP\/1\.1 408 /);
      expect(cut.said).toContain('REQUEST.TIMEOUT');
    });

    it('cuts off a client that trickles its body (requestTimeout)', async () => {
      const cut = await trickle(
        `POST /v1/actions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${tokens.analyst}\r\nContent-Length: 100000\r\n\r\n{`,
        ' ',
        500,
      );
      expect(cut.ms).toBeLessThan(12_000);
      expect(cut.said).toMatch(/^HTTP\/1\.1 408 /);
    });
  });

  it('never shows a token, a connection password, an HTTP credential or an API key in a log line or an event', async () => {
    const dbPassword = readFileSync(
      path.join(REPO_ROOT, '.verity', 'e2e', 'secrets', 'demo-db.password'),
      'utf8',
    ).trim();
    expect(dbPassword.length).toBeGreaterThanOrEqual(12);
    const sessionId = `${session}-secrets`;
    const act = (connection: string, operation: string, input: unknown, token = tokens.analyst) =>
      gw('POST', '/v1/actions', token, { connection, operation, input, sessionId });
    expect((await act('demo-db', 'sql.query', { sql: 'SELECT id FROM customers ORDER BY id LIMIT 1' })).status).toBe(
      200,
    );
    expect((await act('demo-db', 'sql.query', { sql: 'SELECT * FROM no_such_table' })).status).toBe(422);
    expect((await act('down-db', 'sql.query', { sql: 'SELECT 1' })).status).toBe(502);
    const viaHttp = await act('sec-api', 'http.request', { method: 'GET', path: '/things' });
    expect(viaHttp.status).toBe(200);
    const created = await gw('POST', '/v1/api-keys', tokens.admin, {
      name: `sec-leak-${run}`,
      groups: ['analysts'],
      connections: ['demo-db'],
    });
    expect(created.status).toBe(201);
    const apiKey = (JSON.parse(created.body) as Json).key as string;
    expect((await act('demo-db', 'sql.query', { sql: 'SELECT 1 AS one' }, apiKey)).status).toBe(200);

    // The executed actions reached their topic, and the gateway logged the session.
    await waitFor(
      () =>
        tap.all().filter((m) => m.topic === 'gateway.action.executed.v1' && m.value.includes(sessionId)).length >= 3,
      { what: 'the three executed actions of the session on their topic' },
    );
    await waitFor(() => platform.output.gateway.join('').includes(sessionId), {
      what: 'the gateway to log the session',
    });

    const secrets: Record<string, string> = { dbPassword, httpSecret, apiKey };
    for (const [name, token] of Object.entries(tokens)) {
      secrets[`jwt:${name}`] = token;
      secrets[`jwt-signature:${name}`] = token.split('.')[2];
    }
    const places: Record<string, string> = Object.fromEntries(
      Object.entries(platform.output).map(([app, lines]) => [`${app} log`, lines.join('')]),
    );
    places['events on every topic and dead-letter topic'] = tap
      .all()
      .map((m) => `${JSON.stringify(m.headers)} ${m.value}`)
      .join('\n');
    expect(places['events on every topic and dead-letter topic'].length).toBeGreaterThan(1000);
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(places)) {
      expect(text.length).toBeGreaterThan(0);
      for (const [name, secret] of Object.entries(secrets))
        if (text.includes(secret)) leaks.push(`${name} in the ${where}`);
    }
    expect(leaks).toEqual([]);
  });
});

/** Writes raw bytes on a fresh connection and resolves with everything the server says before closing. */
function rawSocket(base: string, raw: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(Buffer.from(raw, 'latin1')));
    let said = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (d) => (said += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(said));
  });
}
