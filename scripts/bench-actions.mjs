#!/usr/bin/env node
// Latency of one audited action through the running platform (npm start), one request at a
// time, next to the same query sent straight to PostgreSQL in the same run.
//   node scripts/bench-actions.mjs [--count 300] [--gateway http://127.0.0.1:8080]
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { root } from './build-once.mjs';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '300' }, gateway: { type: 'string', default: 'http://127.0.0.1:8080' } },
});
const count = Number(values.count);
const sql = 'SELECT id, full_name, email FROM customers WHERE id = $1';
const home = process.env.VERITY_HOME ?? path.join(root, '.verity');
const { DevIssuer } = createRequire(import.meta.url)('../dist/libs/identity/src/index.js');
const token = await (await DevIssuer.load(home)).mint({ sub: 'bench', groups: ['analysts'] });

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (name, ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return `${name.padEnd(22)} p50 ${pct(s, 50).toFixed(2)} ms  p95 ${pct(s, 95).toFixed(2)} ms  p99 ${pct(s, 99).toFixed(2)} ms  (n=${s.length})`;
};

async function timed(fn) {
  const ms = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return ms;
}

const direct = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/verity_demo' });
await direct.connect();
const viaPg = await timed((i) => direct.query(sql, [(i % 50) + 1]));
await direct.end();

const viaVerity = await timed(async (i) => {
  const res = await fetch(`${values.gateway}/v1/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      connection: 'demo-db',
      operation: 'sql.query',
      input: { sql, params: [(i % 50) + 1] },
      sessionId: `bench-${i % 20}`,
    }),
  });
  if (res.status !== 200) throw new Error(`action answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
});

console.log(summary('direct PostgreSQL', viaPg));
console.log(summary('audited via Verity', viaVerity));
