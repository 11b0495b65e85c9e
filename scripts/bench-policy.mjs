// Decision latency in-process: SQL analysis (libpg-query) + Cedar evaluation of every statement
// class, against the default bundle plus generated per-team policies (a realistic bundle size).
// Not a test: prints percentiles. Usage: npm run bench:policy [-- --iterations 20000 --extra 60]
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
const extra = option('extra', 60);

ensureBuilt();
const require = createRequire(import.meta.url);
const dist = (p) => require(path.join(root, 'dist/apps/policy/src', p));
const { SqlAnalysisService } = dist('analysis/sql-analysis.service.js');
const { buildBundle, prepareBundle, readBundleFiles } = dist('bundle/policy-bundle.js');
const { DecisionsService } = dist('decisions/decisions.service.js');

// The default bundle, plus `extra` policies of the kinds a real deployment adds: per-team reads
// on named connections, table guards, function bans.
const files = readBundleFiles(path.join(root, 'deploy/policies'));
const generated = [];
for (let i = 0; i < extra; i++) {
  if (i % 3 === 0) {
    generated.push(
      `@id("team${i}-read") permit(principal in Group::"team${i}", action == Action::"sql.read", resource == Connection::"demo-db");`,
    );
  } else if (i % 3 === 1) {
    generated.push(
      `@id("guard${i}") @reason("table t${i} is kept") forbid(principal, action == Action::"sql.write", resource) when { context.sql.tablesWritten.contains("t${i}") };`,
    );
  } else {
    generated.push(
      `@id("fn${i}") forbid(principal, action == Action::"sql.read", resource) when { context.sql.functions.contains("f${i}") && !(principal in Group::"admins") };`,
    );
  }
}
files.push({ name: '99-generated.cedar', text: generated.join('\n') });
const loaded = buildBundle(files);
if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
const bundle = prepareBundle(loaded.bundle);

const analyser = new SqlAnalysisService();
await analyser.onModuleInit();
const decisions = new DecisionsService(analyser, { current: () => bundle });

const actor = {
  subject: 'alice',
  issuer: 'dev',
  kind: 'agent',
  actingParties: [{ subject: 'agent:support-bot' }],
  groups: ['analysts', 'team3', 'team6'],
};
const queries = {
  'simple select': 'SELECT id, full_name, email FROM customers WHERE id = $1',
  'join + functions':
    "SELECT c.id, lower(c.email), count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.created_at > now() - interval '7 days' GROUP BY c.id, c.email ORDER BY 3 DESC LIMIT 50",
  'update with where': "UPDATE customers SET email = 'x@example.com' WHERE id = 42",
  'delete without where': 'DELETE FROM customers',
  'cte write': 'WITH gone AS (DELETE FROM orders WHERE id = 1 RETURNING *) SELECT * FROM gone',
  'batch of 3': 'SELECT 1 FROM customers; INSERT INTO notes VALUES (1); DROP TABLE notes',
};
const request = (sql) => ({
  connection: 'demo-db',
  operation: 'sql.query',
  payload: { sql },
  payloadDigest: 'x',
  agent: {},
});

function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] };
}
const ms = (ns) => (ns / 1e6).toFixed(3);

const all = [];
const rows = [];
for (const [name, sql] of Object.entries(queries)) {
  const req = request(sql);
  for (let i = 0; i < 2000; i++) decisions.decide(req, actor, 's'); // warm-up
  const samples = new Float64Array(iterations);
  let decided;
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    decided = decisions.decide(req, actor, 's');
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  all.push(...samples);
  const parse = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    analyser.analyse(sql);
    parse[i] = Number(process.hrtime.bigint() - start);
  }
  const a = percentiles(parse);
  const p = percentiles(samples);
  rows.push({
    'analysis p50': ms(a.p50),
    'analysis p99': ms(a.p99),
    query: name,
    decision: decided.decision,
    p50: ms(p.p50),
    p90: ms(p.p90),
    p99: ms(p.p99),
    max: ms(p.max),
  });
}
const total = percentiles(all);
console.log(
  `policy decision latency (ms), ${iterations} decisions per query, bundle of ${Object.keys(bundle.policies).length} policies, ` +
    `Node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
);
console.table(rows);
console.log(
  `load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`all queries: p50 ${ms(total.p50)}  p90 ${ms(total.p90)}  p99 ${ms(total.p99)}  max ${ms(total.max)}`);
