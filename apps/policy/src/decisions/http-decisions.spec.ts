import path from 'node:path';
import {
  ActionDecided,
  ActionRequestedV1,
  ActorV1,
  createEvent,
  digestOf,
  HttpPayloadV1,
  newId,
  validateEvent,
} from '@verity/contracts';
import { SqlAnalysisService } from '../analysis/sql-analysis.service';
import { buildBundle, loadBundle, PreparedBundle, prepareBundle } from '../bundle/policy-bundle';
import { PolicyBundleService } from '../bundle/policy-bundle.service';
import { evaluateAction, httpAction, httpFacts } from './cedar-evaluation';
import { DecisionsService } from './decisions.service';

const DEFAULT_BUNDLE = path.resolve(__dirname, '../../../../deploy/policies');

function prepared(loaded: ReturnType<typeof buildBundle>): PreparedBundle {
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return prepareBundle(loaded.bundle);
}

const analyser = new SqlAnalysisService();
const service = (bundle: PreparedBundle) =>
  new DecisionsService(analyser, { current: () => bundle } as unknown as PolicyBundleService);
const bundle = prepared(loadBundle(DEFAULT_BUNDLE));
const decisions = service(bundle);
beforeAll(() => analyser.onModuleInit());

const analyst: ActorV1 = { subject: 'alice', issuer: 'dev', kind: 'human', actingParties: [], groups: ['analysts'] };

function request(payload: HttpPayloadV1, connection = 'demo-db'): ActionRequestedV1 {
  return { connection, operation: 'http.request', payload, payloadDigest: digestOf(payload), agent: {} };
}

function expectValidEvent(data: object): void {
  const event = createEvent(ActionDecided, {
    source: '/verity/policy',
    actionId: newId(),
    sessionId: 's',
    actor: analyst,
    data,
  });
  const checked = validateEvent(ActionDecided, JSON.parse(JSON.stringify(event)));
  expect(checked.ok ? [] : checked.errors).toEqual([]);
}

describe('http.request decisions with the default bundle', () => {
  it('allows an analyst GET, read-only, naming the policy', () => {
    const decided = decisions.decide(request({ method: 'GET', path: '/v1/orders/42' }), analyst, 's');
    expect(decided).toEqual({
      decision: 'allow',
      reasons: ['http.get allowed by analysts-http-read'],
      policyIds: ['analysts-http-read'],
      bundleRevision: bundle.revision,
      obligations: { maskingProfile: 'default', readOnly: true },
    });
    expectValidEvent(decided);
  });

  it('evaluates HEAD as http.get', () => {
    expect(decisions.decide(request({ method: 'HEAD', path: '/v1/orders' }), analyst, 's')).toMatchObject({
      decision: 'allow',
      policyIds: ['analysts-http-read'],
    });
  });

  it('sends every method that changes something to review', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const decided = decisions.decide(request({ method, path: '/v1/orders/42', body: { a: 1 } }), analyst, 's');
      expect(decided).toMatchObject({
        decision: 'review',
        policyIds: ['analysts-http-write-review'],
        obligations: { maskingProfile: 'default', readOnly: false },
        reasons: [
          `http.${method.toLowerCase()} needs review by analysts-http-write-review (HTTP requests that change something need a human reviewer); request ${method} /v1/orders/42`,
        ],
      });
      expectValidEvent(decided);
    }
  });

  it('denies everything on a connection the bundle does not list', () => {
    for (const method of ['GET', 'POST'] as const) {
      expect(decisions.decide(request({ method, path: '/' }, 'prod-api'), analyst, 's')).toMatchObject({
        decision: 'deny',
        policyIds: ['known-connections-only'],
        obligations: {},
      });
    }
  });

  it('denies a principal no policy permits', () => {
    const stranger: ActorV1 = { ...analyst, subject: 'bob', groups: ['ops'] };
    expect(decisions.decide(request({ method: 'GET', path: '/x' }), stranger, 's')).toMatchObject({
      decision: 'deny',
      policyIds: [],
      reasons: ['no policy permits http.get on connection "demo-db" for User::"bob"; request GET /x'],
    });
  });

  it('lets policies use the method, path, query keys and header names — never values', () => {
    const text = [
      '@id("get") permit (principal, action == Action::"http.get", resource);',
      '@id("no-admin") forbid (principal, action in Action::"http", resource) when { context.path like "/admin/*" };',
      '@id("no-debug") forbid (principal, action == Action::"http.get", resource) when { context.headerNames.contains("x-debug") };',
      '@id("no-token-query") forbid (principal, action == Action::"http.get", resource) when { context.queryKeys.contains("token") };',
      '@id("head-only") forbid (principal, action == Action::"http.get", resource) when { context.path == "/head-only" && context.method != "HEAD" };',
    ].join('\n');
    const custom = service(prepared(buildBundle([{ name: 'http.cedar', text }])));
    const ids = (payload: HttpPayloadV1) => custom.decide(request(payload), analyst, 's').policyIds;
    expect(ids({ method: 'GET', path: '/admin/users' })).toEqual(['no-admin']);
    expect(ids({ method: 'GET', path: '/x', headers: { 'X-Debug': 'on' } })).toEqual(['no-debug']);
    expect(ids({ method: 'GET', path: '/x', query: { token: 'abc' } })).toEqual(['no-token-query']);
    expect(ids({ method: 'GET', path: '/head-only' })).toEqual(['head-only']);
    expect(ids({ method: 'HEAD', path: '/head-only' })).toEqual(['get']);
    expect(ids({ method: 'GET', path: '/x', query: { q: 'token' }, headers: { accept: 'x-debug' } })).toEqual(['get']);
  });
});

describe('httpFacts', () => {
  it('keeps names only, header names in lower case, once each', () => {
    const facts = httpFacts({
      method: 'POST',
      path: '/a',
      query: { b: 'secret', a: ['1', '2'] },
      headers: { 'Content-Type': 'application/json', 'X-Api-Version': '2' },
      body: { password: 'hunter2' },
    });
    expect(facts).toEqual({
      method: 'POST',
      path: '/a',
      queryKeys: ['b', 'a'],
      headerNames: ['content-type', 'x-api-version'],
      safe: false,
    });
    expect(JSON.stringify(facts)).not.toMatch(/secret|hunter2|application\/json/);
  });

  it('maps methods to actions', () => {
    expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map(httpAction)).toEqual([
      'http.get',
      'http.get',
      'http.post',
      'http.put',
      'http.patch',
      'http.delete',
    ]);
  });
});

describe('remembered Cedar answers', () => {
  it('decide exactly as fresh evaluations do, for every principal, connection and request', () => {
    const loaded = loadBundle(DEFAULT_BUNDLE);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const fresh = service(prepareBundle(loaded.bundle, { answers: 0 }));
    const actors: ActorV1[] = [
      analyst,
      { ...analyst, subject: 'bob', groups: [] },
      { ...analyst, subject: 'svc', kind: 'service', groups: ['analysts', 'etl'] },
    ];
    const requests = [
      ...[
        'SELECT 1',
        'DELETE FROM t',
        'UPDATE t SET a = 1 WHERE b',
        'DROP TABLE t',
        'SELECT 1; INSERT INTO t VALUES (1)',
      ].map((sql) => ({
        connection: 'demo-db',
        operation: 'sql.query' as const,
        payload: { sql },
        payloadDigest: 'x',
        agent: {},
      })),
      request({ method: 'GET', path: '/a' }),
      request({ method: 'DELETE', path: '/a' }),
    ];
    for (let round = 0; round < 2; round++) {
      for (const actor of actors) {
        for (const connection of ['demo-db', 'other']) {
          for (const r of requests) {
            const input = { ...r, connection };
            expect(decisions.decide(input, actor, 's')).toEqual(fresh.decide(input, actor, 's'));
          }
        }
      }
    }
  });
});

describe('evaluateAction', () => {
  it('evaluates any action on a connection with its whole context', () => {
    const context = {
      operation: 'http.request',
      sessionId: 's',
      actorKind: 'human',
      actingParties: [],
      method: 'PUT',
      path: '/x',
      queryKeys: [],
      headerNames: [],
    };
    expect(evaluateAction(bundle, { actor: analyst, connection: 'demo-db' }, 'http.put', context)).toMatchObject({
      action: 'http.put',
      decision: 'review',
      policyIds: ['analysts-http-write-review'],
    });
    expect(evaluateAction(bundle, { actor: analyst, connection: 'x' }, 'http.get', context)).toMatchObject({
      decision: 'deny',
      policyIds: ['known-connections-only'],
    });
  });
});
