// Decision latency in-process: SQL analysis (libpg-query) + Cedar evaluation, the way the policy
// service decides (DecisionsService.decide), against the default bundle plus a realistic set of
// extra policies with `when` conditions on the SQL facts, over an interleaved mix of statements.
// Not a test: prints percentiles. Usage:
//   npm run bench:policy [-- --iterations 20000 --extra 48 --seed 1 --answers 0]
// (--iterations: decisions in the measured mix; --extra: extra policies, a multiple of 12 is a
// whole number of rounds of the 12 kinds below.) Profile with:
//   node --cpu-prof --cpu-prof-dir=.verity/prof scripts/bench-policy.mjs --iterations 5000
import { createRequire } from 'node:module';
import path from 'node:path';
import os from 'node:os';
import { ensureBuilt, root } from './build-once.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const iterations = option('iterations', 20_000);
const extra = option('extra', 48);
// Remembered Cedar answers per bundle (the service's default); --answers 0 evaluates every time.
const answers = option('answers', undefined);
let seed = option('seed', 1);
/** A small deterministic PRNG (mulberry32), so runs draw the same mix. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

ensureBuilt();
const require = createRequire(import.meta.url);
const dist = (p) => require(path.join(root, 'dist/apps/policy/src', p));
const { SqlAnalysisService } = dist('analysis/sql-analysis.service.js');
const { buildBundle, prepareBundle, readBundleFiles } = dist('bundle/policy-bundle.js');
const { DecisionsService } = dist('decisions/decisions.service.js');
const { evaluateClass, evaluateHttp, httpFacts } = dist('decisions/cedar-evaluation.js');

// The default bundle, plus `extra` policies of the kinds a deployment adds: per-team access on
// named connections, table guards, function bans, statement-shape limits, agent restrictions.
const files = readBundleFiles(path.join(root, 'deploy/policies'));
const kinds = [
  (i) =>
    `@id("team${i}-read") permit (principal in Group::"team${i}", action == Action::"sql.read", resource == Connection::"demo-db");`,
  (i) =>
    `@id("team${i}-write") @decision("review") permit (principal in Group::"team${i}", action == Action::"sql.write", resource == Connection::"demo-db") when { context.sql.statementCount == 1 };`,
  (i) =>
    `@id("guard${i}") @reason("table t${i} is kept") forbid (principal, action == Action::"sql.write", resource) when { context.sql.tablesWritten.contains("t${i}") };`,
  (i) =>
    `@id("pii${i}") @reason("payroll is off limits to agents") forbid (principal, action == Action::"sql.read", resource) when { !context.actingParties.isEmpty() && context.sql.tablesRead.containsAny(["payroll.s${i}", "hr.p${i}"]) };`,
  (i) =>
    `@id("fn${i}") forbid (principal, action in Action::"sql", resource) when { context.sql.functions.containsAny(["f${i}", "lo_get", "pg_sleep"]) && !(principal in Group::"admins") };`,
  (i) =>
    `@id("orders${i}") forbid (principal, action == Action::"sql.write", resource) when { context.sql.statementKinds.contains("DeleteStmt") && context.sql.tablesWritten.contains("orders${i}") };`,
  (i) =>
    `@id("batch${i}") forbid (principal is ServiceAccount, action in Action::"sql", resource) when { context.sql.statementCount > ${2 + (i % 3)} };`,
  (i) =>
    `@id("ro${i}") permit (principal in Group::"ro${i}", action == Action::"sql.read", resource) when { context.sql.readOnly && context.sql.tablesRead.contains("reports${i}") };`,
  (i) =>
    `@id("svc${i}") permit (principal == ServiceAccount::"svc-${i}", action in [Action::"sql.read", Action::"sql.write"], resource == Connection::"demo-db");`,
  (i) =>
    `@id("nowhere${i}") @reason("no whole-table updates on t${i}") forbid (principal, action == Action::"sql.write", resource) when { context.sql.updateWithoutWhere.contains("t${i}") || context.sql.deleteWithoutWhere.contains("t${i}") };`,
  (i) =>
    `@id("http${i}") forbid (principal, action in Action::"http", resource) when { context.path like "/admin/*" || context.headerNames.contains("x-debug-${i}") };`,
  (i) =>
    `@id("agent${i}") @decision("review") permit (principal in Group::"analysts", action == Action::"sql.read", resource) when { context.actorKind == "agent" && context.sql.tablesRead.contains("secrets${i}") };`,
];
const generated = Array.from({ length: extra }, (_, i) => kinds[i % kinds.length](i));
files.push({ name: '99-generated.cedar', text: generated.join('\n') });
const loaded = buildBundle(files);
if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
const bundle = prepareBundle(loaded.bundle, answers === undefined ? {} : { answers });

const analyser = new SqlAnalysisService();
await analyser.onModuleInit();
const decisions = new DecisionsService(analyser, { current: () => bundle });

const actors = [
  {
    subject: 'alice',
    issuer: 'dev',
    kind: 'agent',
    actingParties: [{ subject: 'agent:support-bot' }],
    groups: ['analysts', 'team3', 'team6'],
  },
  { subject: 'bob', issuer: 'dev', kind: 'human', actingParties: [], groups: ['analysts'] },
  { subject: 'svc-8', issuer: 'dev', kind: 'service', actingParties: [], groups: ['etl', 'ro7'] },
];

// The mix: [name, weight, request]. Weights roughly follow an agent workload: mostly reads.
const sql = (text) => ({ operation: 'sql.query', payload: { sql: text, params: [42] } });
const http = (method, p, query, headers) => ({
  operation: 'http.request',
  payload: { method, path: p, query, headers },
});
const mix = [
  ['simple read', 30, sql('SELECT id, full_name, email FROM customers WHERE id = $1')],
  [
    'join + functions',
    15,
    sql(
      "SELECT c.id, lower(c.email), count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.created_at > now() - interval '7 days' GROUP BY c.id, c.email ORDER BY 3 DESC LIMIT 50",
    ),
  ],
  [
    'CTE read',
    8,
    sql(
      "WITH recent AS (SELECT customer_id, sum(total) AS spent FROM orders WHERE placed_at > now() - interval '30 days' GROUP BY 1) SELECT c.full_name, r.spent FROM recent r JOIN customers c ON c.id = r.customer_id WHERE r.spent > 100 ORDER BY r.spent DESC",
    ),
  ],
  ['update with where', 8, sql("UPDATE customers SET email = 'x@example.com' WHERE id = $1")],
  ['insert', 6, sql('INSERT INTO notes (customer_id, body) VALUES ($1, $2) RETURNING id')],
  ['delete without where', 2, sql('DELETE FROM customers')],
  ['CTE write', 4, sql('WITH gone AS (DELETE FROM orders WHERE id = $1 RETURNING *) SELECT count(*) FROM gone')],
  ['DDL', 2, sql('ALTER TABLE customers ADD COLUMN nickname text')],
  ['batch of 3 classes', 3, sql('SELECT 1 FROM customers; INSERT INTO notes VALUES (1); DROP TABLE notes')],
  ['admin', 2, sql("SELECT set_config('search_path', 'evil', false)")],
  ['unparsable', 2, sql('SELEC id FROM customers WHERE')],
  ['http GET', 12, http('GET', '/v1/orders/42', { expand: 'lines' }, { accept: 'application/json' })],
  ['http POST', 6, http('POST', '/v1/refunds', undefined, { 'content-type': 'application/json' })],
];
const requestOf = (r) => ({ connection: 'demo-db', ...r, payloadDigest: 'x', agent: {} });
const weighted = mix.flatMap(([name, weight, r]) => Array.from({ length: weight }, () => [name, requestOf(r)]));
const draws = Array.from({ length: iterations }, () => [
  weighted[Math.floor(random() * weighted.length)],
  actors[Math.floor(random() * actors.length)],
]);

function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}
const ms = (ns) => (ns / 1e6).toFixed(3);
const now = () => process.hrtime.bigint();

// Warm-up: every request shape once per actor (builds the bundle's slices), then a short run.
for (const [, r] of weighted) for (const actor of actors) decisions.decide(r, actor, 's');
for (let i = 0; i < Math.min(2000, iterations); i++) decisions.decide(draws[i][0][1], draws[i][1], 's');

// 1. Whole decisions, interleaved in the drawn order.
const total = new Float64Array(iterations);
// CPU time of the process over each decision (µs resolution): what the decision itself costs,
// without the time the scheduler gave other processes on a shared machine.
const cpu = new Float64Array(iterations);
const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
const byQuery = new Map();
const decided = new Map();
for (let i = 0; i < iterations; i++) {
  const [[name, r], actor] = draws[i];
  const c0 = cpuNs();
  const start = now();
  const d = decisions.decide(r, actor, 's');
  total[i] = Number(now() - start);
  cpu[i] = cpuNs() - c0;
  if (!byQuery.has(name)) byQuery.set(name, []);
  byQuery.get(name).push(total[i]);
  decided.set(`${name}|${actor.subject}`, d.decision);
}

// 2. The parts, same draws: SQL analysis alone, then Cedar alone on the precomputed facts.
const analysis = [];
const cedar = [];
const facts = new Map();
for (let i = 0; i < iterations; i++) {
  const [[name, r], actor] = draws[i];
  if (r.operation === 'http.request') {
    const f = httpFacts(r.payload);
    const input = { actor, connection: r.connection, operation: r.operation, sessionId: 's', facts: f };
    const start = now();
    evaluateHttp(bundle, input);
    cedar.push(Number(now() - start));
    continue;
  }
  const start = now();
  const outcome = analyser.analyse(r.payload.sql);
  analysis.push(Number(now() - start));
  if (!outcome.parsed || outcome.facts.statementCount === 0) continue;
  facts.set(name, outcome.facts);
  const input = { actor, connection: r.connection, operation: r.operation, sessionId: 's', facts: outcome.facts };
  const c0 = now();
  for (const cls of outcome.facts.classes) evaluateClass(bundle, input, cls);
  cedar.push(Number(now() - c0));
}

const rows = [...byQuery].map(([name, samples]) => {
  const p = percentiles(samples);
  const verdicts = [...new Set(actors.map((a) => decided.get(`${name}|${a.subject}`)).filter(Boolean))];
  const f = facts.get(name);
  return {
    request: name,
    classes: f ? f.classes.join('+') : '',
    decisions: verdicts.join('/'),
    n: p.n,
    p50: ms(p.p50),
    p95: ms(p.p95),
    p99: ms(p.p99),
    max: ms(p.max),
  };
});
const line = (label, samples) => {
  const p = percentiles(samples);
  return `${label.padEnd(34)} p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  max ${ms(p.max)}  (n=${p.n})`;
};
console.log(
  `policy decision latency (ms), ${iterations} interleaved decisions, ${actors.length} principals, bundle of ` +
    `${Object.keys(bundle.policies).length} policies (${Object.keys(bundle.policies).length - extra} default + ${extra} extra), ` +
    `Cedar answers ${answers === 0 ? 'not remembered (--answers 0)' : 'remembered'}, ` +
    `Node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
);
console.table(rows);
console.log(line('whole decision (analysis + Cedar)', total));
console.log(line('whole decision, CPU time', cpu));
console.log(line('SQL analysis alone', analysis));
console.log(line('Cedar alone (all classes of one)', cedar));
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
