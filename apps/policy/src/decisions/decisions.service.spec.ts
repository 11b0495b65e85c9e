import path from 'node:path';
import {
  ActionDecided,
  ActionRequestedV1,
  ActorV1,
  createEvent,
  digestOf,
  newId,
  validateEvent,
} from '@verity/contracts';
import { SqlAnalysisService } from '../analysis/sql-analysis.service';
import { buildBundle, loadBundle, PreparedBundle, prepareBundle } from '../bundle/policy-bundle';
import { PolicyBundleService } from '../bundle/policy-bundle.service';
import { DecisionsService } from './decisions.service';

const DEFAULT_BUNDLE = path.resolve(__dirname, '../../../../deploy/policies');

function prepared(loaded: ReturnType<typeof buildBundle>): PreparedBundle {
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return prepareBundle(loaded.bundle);
}

const analyser = new SqlAnalysisService();
let bundle: PreparedBundle;
const decisions = new DecisionsService(analyser, { current: () => bundle } as unknown as PolicyBundleService);
beforeAll(async () => {
  await analyser.onModuleInit();
  bundle = prepared(loadBundle(DEFAULT_BUNDLE));
});

const analyst: ActorV1 = {
  subject: 'alice',
  issuer: 'dev',
  kind: 'agent',
  actingParties: [{ subject: 'agent:support-bot' }],
  groups: ['analysts'],
};

function request(sql: string, connection = 'demo-db'): ActionRequestedV1 {
  const payload = { sql, params: ['secret@example.com'] };
  return { connection, operation: 'sql.query', payload, payloadDigest: digestOf(payload), agent: {} };
}

const decide = (sql: string, actor = analyst, connection = 'demo-db') =>
  decisions.decide(request(sql, connection), actor, 's-1');

/** The decision must be publishable: it passes the ActionDecided contract. */
function expectValidEvent(data: object): void {
  const event = createEvent(ActionDecided, {
    source: '/verity/policy',
    actionId: newId(),
    sessionId: 's-1',
    actor: analyst,
    data,
  });
  const checked = validateEvent(ActionDecided, JSON.parse(JSON.stringify(event)));
  expect(checked.ok ? [] : checked.errors).toEqual([]);
}

describe('DecisionsService with the default bundle', () => {
  it('allows an analyst SELECT with the analysis, obligations, revision and matched policy', () => {
    const decided = decide('SELECT * FROM customers WHERE email = $1');
    expect(decided).toEqual({
      decision: 'allow',
      reasons: ['sql.read allowed by analysts-read'],
      policyIds: ['analysts-read'],
      bundleRevision: bundle.revision,
      obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: true },
      analysis: {
        statementKinds: ['SelectStmt'],
        tablesRead: ['customers'],
        tablesWritten: [],
        readOnly: true,
        classes: ['read'],
        functions: [],
        deleteWithoutWhere: [],
        updateWithoutWhere: [],
        statementCount: 1,
      },
    });
    expectValidEvent(decided);
  });

  it('denies a DELETE without WHERE, naming the policy and the statement', () => {
    const decided = decide('DELETE FROM customers');
    expect(decided).toMatchObject({
      decision: 'deny',
      reasons: [
        'sql.write forbidden by no-delete-without-where (DELETE without WHERE removes every row); found DeleteStmt with no WHERE on customers',
      ],
      policyIds: ['no-delete-without-where'],
      obligations: {},
      analysis: {
        statementKinds: ['DeleteStmt'],
        tablesWritten: ['customers'],
        readOnly: false,
        classes: ['write'],
        deleteWithoutWhere: ['customers'],
        updateWithoutWhere: [],
        statementCount: 1,
      },
    });
    expectValidEvent(decided);
  });

  it('sends an analyst write to review, with obligations that are not read-only', () => {
    const decided = decide("UPDATE customers SET email = 'x' WHERE id = 1");
    expect(decided).toMatchObject({
      decision: 'review',
      reasons: [
        'sql.write needs review by analysts-write-review (writes need a human reviewer); found UpdateStmt on customers',
      ],
      policyIds: ['analysts-write-review'],
      obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: false },
    });
    expectValidEvent(decided);
  });

  it('evaluates each statement class of a batch and keeps the strictest', () => {
    const decided = decide('SELECT 1 FROM customers; INSERT INTO audit_notes VALUES (1); DROP TABLE customers');
    expect(decided.decision).toBe('deny');
    expect(decided.reasons).toEqual([
      'sql.ddl forbidden by no-ddl (schema changes are not allowed through Verity); found DropStmt on customers',
    ]);
    expect(decided.policyIds).toEqual(['analysts-read', 'analysts-write-review', 'no-ddl']);
  });

  it('finds a write hidden in a CTE of a SELECT', () => {
    expect(decide('WITH gone AS (DELETE FROM customers WHERE id = 1 RETURNING *) SELECT * FROM gone')).toMatchObject({
      decision: 'review',
      reasons: [expect.stringContaining('found DeleteStmt on customers (nested)')],
    });
  });

  it('denies administration: DO, COPY ... PROGRAM, SET ROLE, pg_terminate_backend in a SELECT', () => {
    for (const sql of [
      'DO $$ BEGIN DELETE FROM customers; END $$',
      "COPY customers TO PROGRAM 'curl evil'",
      'SET ROLE postgres',
      'SELECT pg_terminate_backend(42)',
    ]) {
      expect({ sql, decided: decide(sql) }).toMatchObject({
        sql,
        decided: { decision: 'deny', policyIds: ['no-admin'] },
      });
    }
  });

  it('denies everything on a connection the bundle does not list', () => {
    const decided = decide('SELECT 1', analyst, 'prod-db');
    expect(decided).toMatchObject({ decision: 'deny', policyIds: ['known-connections-only'] });
    expect(decided.reasons[0]).toContain('the connection is not listed in the policy bundle');
  });

  it('denies when no policy permits, naming action, connection and principal', () => {
    const stranger: ActorV1 = { ...analyst, subject: 'bob', kind: 'service', actingParties: [], groups: ['ops'] };
    expect(decide('SELECT 1', stranger)).toMatchObject({
      decision: 'deny',
      policyIds: [],
      reasons: ['no policy permits sql.read on connection "demo-db" for ServiceAccount::"bob"'],
    });
  });

  it('denies garbage with the parser message and no analysis', () => {
    const decided = decide('this is not sql');
    expect(decided).toMatchObject({ decision: 'deny', policyIds: [], bundleRevision: bundle.revision });
    expect(decided.reasons).toEqual(['SQL does not parse: syntax error at or near "this"']);
    expect(decided.analysis).toBeUndefined();
    expectValidEvent(decided);
  });

  it('denies SQL without any statement', () => {
    expect(decide('-- nothing')).toMatchObject({ decision: 'deny', reasons: ['the SQL holds no statement'] });
  });

  it('stays publishable when a batch names more tables than the contract lists', () => {
    const tables = Array.from({ length: 1200 }, (_, i) => `t${i}`).join(', ');
    const decided = decide(`SELECT 1 FROM ${tables}; TRUNCATE ${tables}`);
    expect(decided.decision).toBe('deny');
    expect(decided.reasons).toEqual([
      'sql.ddl forbidden by no-ddl (schema changes are not allowed through Verity); found TruncateStmt on t0, t1, t2, t3, t4 and 1195 more',
    ]);
    expectValidEvent(decided);
  });

  it('lets a bundle forbid by the facts in context: no DELETE on orders even with WHERE', () => {
    const text = [
      '@id("read") permit(principal, action == Action::"sql.read", resource);',
      '@id("write") permit(principal, action == Action::"sql.write", resource);',
      '@id("orders-kept") @reason("orders are kept")',
      'forbid(principal, action == Action::"sql.write", resource)',
      'when { context.sql.statementKinds.contains("DeleteStmt") && context.sql.tablesWritten.contains("orders") };',
    ].join('\n');
    const custom = prepared(buildBundle([{ name: 'orders.cedar', text }]));
    const withCustom = new DecisionsService(analyser, { current: () => custom } as unknown as PolicyBundleService);
    expect(withCustom.decide(request('DELETE FROM orders WHERE id = 1'), analyst, 's').decision).toBe('deny');
    expect(withCustom.decide(request('DELETE FROM carts WHERE id = 1'), analyst, 's').decision).toBe('allow');
  });

  it('applies policies scoped to the SQL action group or to a set of actions (sliced per action)', () => {
    const text = [
      '@id("all") permit(principal, action, resource);',
      '@id("group") forbid(principal, action in Action::"sql", resource) when { context.sql.tablesWritten.contains("x") };',
      '@id("set") forbid(principal, action in [Action::"sql.ddl", Action::"sql.admin"], resource);',
      '@id("read-only") forbid(principal, action == Action::"sql.read", resource) when { context.sql.functions.contains("f") };',
    ].join('\n');
    const custom = prepared(buildBundle([{ name: 'scopes.cedar', text }]));
    const withCustom = new DecisionsService(analyser, { current: () => custom } as unknown as PolicyBundleService);
    const ids = (sql: string) => withCustom.decide(request(sql), analyst, 's').policyIds;
    expect(ids('INSERT INTO x VALUES (1)')).toEqual(['group']);
    expect(ids('INSERT INTO y VALUES (1)')).toEqual(['all']);
    expect(ids('DROP TABLE y')).toEqual(['set']);
    expect(ids('SELECT f()')).toEqual(['read-only']);
    expect(ids('SELECT g()')).toEqual(['all']);
  });
});
