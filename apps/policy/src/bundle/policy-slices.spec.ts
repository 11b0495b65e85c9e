import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { buildBundle, CEDAR_SCHEMA_ID, PreparedBundle, prepareBundle } from './policy-bundle';
import { ContextUse, MAX_ANSWER_KEY, PolicySlices, prune, readsOf } from './policy-slices';

// Scopes of every shape the slicer decides statically (and some it cannot), conditions on
// context attributes, on the principal's groups and on the action.
const TEXT = `
@id("all") permit (principal, action, resource);
@id("g-read") permit (principal in Group::"g1", action == Action::"sql.read", resource);
@id("g-write")
@decision("review")
permit (principal in Group::"g2", action in [Action::"sql.write", Action::"sql.ddl"], resource == Connection::"c1");
@id("is-user") forbid (principal is User, action in Action::"sql", resource) when { context.sql.tablesWritten.contains("t1") };
@id("is-in") forbid (principal is Agent in Group::"g1", action in Action::"sql", resource is Connection) when { context.sql has functions && context.sql.functions.contains("f1") };
@id("bob") forbid (principal == User::"bob", action, resource);
@id("in-bob") forbid (principal in User::"bob", action == Action::"http.post", resource);
@id("res-in") forbid (principal, action == Action::"sql.admin", resource in Connection::"c2");
@id("http-all") permit (principal, action in Action::"http", resource) when { context.path like "/public/*" };
@id("http-hdr") forbid (principal, action == Action::"http.delete", resource) when { context.headerNames.contains("x-force") };
@id("cond-principal") forbid (principal, action == Action::"sql.read", resource) when { context.sql.tablesRead.contains("t2") && !(principal in Group::"g3") };
@id("cond-action") forbid (principal, action in [Action::"sql.read", Action::"sql.write"], resource) when { action in Action::"sql" && context.sql.statementCount > 2 };
@id("whole-sql") forbid (principal, action == Action::"sql.write", resource) when { context.sql.readOnly && context.actorKind == "service" };
`;

function prepared(): PreparedBundle {
  const loaded = buildBundle([{ name: 'slices.cedar', text: TEXT }]);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return prepareBundle(loaded.bundle);
}

describe('policy slices', () => {
  const bundle = prepared();
  const whole = 'slices-whole';
  beforeAll(() => {
    const parsed = preparsePolicySet(whole, { staticPolicies: bundle.policies });
    if (parsed.type === 'failure') throw new Error(JSON.stringify(parsed.errors));
  });

  const names = (n: string) => fc.subarray([`${n}1`, `${n}2`, `${n}3`]);
  const sqlContext = fc.record({
    operation: fc.constant('sql.query'),
    sessionId: fc.constant('s'),
    actorKind: fc.constantFrom('human', 'service', 'agent'),
    actingParties: fc.subarray(['agent:x']),
    sql: fc.record({
      statementKinds: fc.subarray(['SelectStmt', 'DeleteStmt']),
      statementCount: fc.integer({ min: 1, max: 4 }),
      classes: fc.subarray(['read', 'write']),
      tablesRead: names('t'),
      tablesWritten: names('t'),
      functions: names('f'),
      deleteWithoutWhere: names('t'),
      updateWithoutWhere: names('t'),
      readOnly: fc.boolean(),
    }),
  });
  const httpContext = fc.record({
    operation: fc.constant('http.request'),
    sessionId: fc.constant('s'),
    actorKind: fc.constantFrom('human', 'service', 'agent'),
    actingParties: fc.constant([]),
    method: fc.constant('GET'),
    path: fc.constantFrom('/public/a', '/private/b'),
    queryKeys: names('q'),
    headerNames: fc.subarray(['x-force', 'accept']),
  });
  const request = fc.oneof(
    fc.record({ action: fc.constantFrom('sql.read', 'sql.write', 'sql.ddl', 'sql.admin'), context: sqlContext }),
    fc.record({ action: fc.constantFrom('http.get', 'http.post', 'http.delete'), context: httpContext }),
  );
  const principal = fc.record({
    type: fc.constantFrom('User', 'Agent', 'ServiceAccount'),
    id: fc.constantFrom('alice', 'bob'),
    groups: names('g'),
  });

  it('decides every request exactly as the whole bundle does', () => {
    fc.assert(
      fc.property(principal, request, fc.constantFrom('c1', 'c2', 'c3'), (p, r, connection) => {
        const call = {
          principal: { type: p.type, id: p.id },
          action: { type: 'Action', id: r.action },
          resource: { type: 'Connection', id: connection },
        };
        const entity = { uid: call.principal, attrs: {}, parents: p.groups.map((id) => ({ type: 'Group', id })) };
        const expected = statefulIsAuthorized({
          ...call,
          context: r.context as never,
          entities: [entity],
          preparsedPolicySetId: whole,
          preparsedSchemaName: CEDAR_SCHEMA_ID,
        });
        const slice = bundle.slices.get({ action: r.action, connection, principalType: p.type, groups: p.groups });
        const actual = statefulIsAuthorized({
          ...call,
          context: (slice.needsSchema ? r.context : prune(r.context, slice.use)) as never,
          entities: slice.needsSchema || slice.needsPrincipal ? [entity] : [],
          preparsedPolicySetId: slice.policySetId,
          preparsedSchemaName: slice.needsSchema ? CEDAR_SCHEMA_ID : undefined,
        });
        const summary = (a: typeof expected) =>
          a.type === 'success'
            ? { decision: a.response.decision, reason: [...a.response.diagnostics.reason].sort(), errors: 0 }
            : a;
        expect(summary(actual)).toEqual(summary(expected));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps only the policies that can apply, and passes only what they read', () => {
    const read = bundle.slices.get({ action: 'sql.read', connection: 'c3', principalType: 'User', groups: [] });
    // all, is-user, bob (by uid), cond-principal, cond-action.
    expect(read.size).toBe(5);
    expect(read.needsPrincipal).toBe(true);
    expect(read.needsSchema).toBe(true); // cond-action reads `action`
    const get = bundle.slices.get({ action: 'http.get', connection: 'c1', principalType: 'Agent', groups: ['g2'] });
    // all, http-all.
    expect(get).toMatchObject({ size: 2, needsPrincipal: false, needsSchema: false });
    expect(prune({ path: '/x', method: 'GET', headerNames: ['a'], sessionId: 's' }, get.use)).toEqual({ path: '/x' });
  });

  it('reuses a slice for the same request shape, whatever the order of the groups', () => {
    const a = bundle.slices.get({ action: 'sql.read', connection: 'c1', principalType: 'User', groups: ['g1', 'g2'] });
    const b = bundle.slices.get({ action: 'sql.read', connection: 'c1', principalType: 'User', groups: ['g2', 'g1'] });
    expect(b).toBe(a);
  });
});

describe('readsOf', () => {
  const reads = (expression: unknown) => {
    const found = { use: new Map() as ContextUse, vars: new Set<string>() };
    readsOf(expression, found);
    return found;
  };

  it('names the attribute paths read, including `has` paths, and the variables', () => {
    const found = reads({
      '&&': {
        left: { has: { left: { Var: 'context' }, attr: ['sql', 'functions'] } },
        right: {
          in: { left: { Var: 'principal' }, right: { Value: { __entity: { type: 'Group', id: 'g' } } } },
        },
      },
    });
    expect(prune({ sql: { functions: ['f'], tablesRead: ['t'] }, path: '/' }, found.use)).toEqual({
      sql: { functions: ['f'] },
    });
    expect([...found.vars]).toEqual(['principal']);
  });

  it('passes the whole context when a policy uses it as a value', () => {
    const found = reads({ '==': { left: { Var: 'context' }, right: { Value: {} } } });
    expect(found.use).toBe(true);
  });
});

describe('remembered answers', () => {
  it('computes an answer once per key and forgets the least recently used', () => {
    const loaded = buildBundle([{ name: 'a.cedar', text: 'permit (principal, action, resource);' }]);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const slices = new PolicySlices(loaded.bundle.revision, {}, {}, 2);
    let computed = 0;
    const answer = (key: string) => slices.answer(key, () => ({ key, n: ++computed }));
    expect(answer('a')).toEqual({ key: 'a', n: 1 });
    expect(answer('a')).toEqual({ key: 'a', n: 1 });
    answer('b');
    answer('a'); // a is now the most recent
    answer('c'); // evicts b
    expect(answer('a').n).toBe(1);
    expect(answer('b').n).toBe(4);
    expect(slices.answer('x'.repeat(MAX_ANSWER_KEY + 1), () => 'long')).toBe('long');
  });
});
