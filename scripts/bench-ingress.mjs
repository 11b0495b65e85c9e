#!/usr/bin/env node
// Added latency of the gateway's ingress paths: the same parameterised SELECT sent straight to
// PostgreSQL, through REST (POST /v1/actions), through MCP (tools/call query_<connection>) and
// through the PostgreSQL wire listener, at 1 and at 50 concurrent clients; p50/p95/p99 and
// throughput per path.
//   npm run bench:ingress -- [--count 300] [--concurrency 1,50]
//     against a running platform (npm start): --gateway http://127.0.0.1:8080 --pg-port 6432
//     --direct postgres://postgres@127.0.0.1:5432/verity_demo --connection demo-db
// The dev issuer's key is read from VERITY_HOME (default .verity), as npm run token does.
// Each client is one session (one MCP session, one wire connection); REST clients use one session
// id each. Policy's per-session budget (POLICY_BUDGET_ACTIONS, 500) must exceed the requests one
// client sends.
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ensureBuilt, root } from './build-once.mjs';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '1,50' },
    gateway: { type: 'string', default: 'http://127.0.0.1:8080' },
    'pg-port': { type: 'string', default: '6432' },
    direct: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/verity_demo' },
    connection: { type: 'string', default: 'demo-db' },
  },
});
const count = Number(values.count);
const levels = values.concurrency.split(',').map(Number);
const sql = 'SELECT id, full_name, email FROM customers WHERE id = $1';
const idOf = (i) => (i % 50) + 1;

ensureBuilt();
const { DevIssuer } = createRequire(import.meta.url)('../dist/libs/identity/src/index.js');

const gateway = values.gateway;
const pgPort = Number(values['pg-port']);
const direct = values.direct;
const home = process.env.VERITY_HOME ?? path.join(root, '.verity');
const token = await (await DevIssuer.load(home)).mint({ sub: 'bench-ingress', groups: ['analysts'] });
const run = Date.now().toString(36);

/** One kind of client: `open` makes a connected client, `send(client, i)` one request. */
const paths = {
  'direct PostgreSQL': {
    open: async () => {
      const c = new pg.Client({ connectionString: direct });
      await c.connect();
      return c;
    },
    send: (c, i) => c.query(sql, [idOf(i)]),
    close: (c) => c.end(),
  },
  'REST /v1/actions': {
    open: async (k) => ({ session: `bench-ingress-${run}-${k}` }),
    send: async (c, i) => {
      const res = await fetch(`${gateway}/v1/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          connection: values.connection,
          operation: 'sql.query',
          input: { sql, params: [idOf(i)] },
          sessionId: c.session,
        }),
      });
      if (res.status !== 200) throw new Error(`REST answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    },
    close: async () => undefined,
  },
  'MCP tools/call': {
    open: async () => {
      const c = new McpClient({ name: 'bench-ingress', version: '1.0.0' });
      await c.connect(
        new StreamableHTTPClientTransport(new URL(`${gateway}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      return c;
    },
    send: async (c, i) => {
      const tool = `query_${values.connection.replace(/-/g, '_')}`;
      const answer = await c.callTool({ name: tool, arguments: { sql, params: [idOf(i)] } });
      if (answer.isError) throw new Error(`MCP answered an error: ${JSON.stringify(answer.structuredContent)}`);
    },
    close: (c) => c.close(),
  },
  'PostgreSQL wire (6432)': {
    open: async () => {
      const c = new pg.Client({
        host: '127.0.0.1',
        port: pgPort,
        database: values.connection,
        user: 'bench-ingress',
        password: token,
      });
      await c.connect();
      return c;
    },
    send: (c, i) => c.query(sql, [idOf(i)]),
    close: (c) => c.end(),
  },
};

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * One path at one concurrency: connected clients, latencies, failures and busy time. Paths run
 * in interleaved rounds (a slice of the requests of each path in turn), so a machine whose load
 * drifts during the run weighs on every path alike.
 */
async function open(name, kind, clients) {
  const conns = await Promise.all(Array.from({ length: clients }, (_, k) => kind.open(k)));
  // Warm-up: one request per client, not measured.
  await Promise.all(conns.map((c, k) => kind.send(c, k).catch(() => undefined)));
  return { name, kind, clients, conns, ms: [], errors: new Map(), seconds: 0 };
}

/** `n` requests (from request number `from`) shared by the run's clients, each sending one at a time. */
async function round(run, from, n) {
  let next = from;
  const end = from + n;
  const started = process.hrtime.bigint();
  await Promise.all(
    run.conns.map(async (c) => {
      for (let i = next++; i < end; i = next++) {
        const t = process.hrtime.bigint();
        try {
          await run.kind.send(c, i);
          run.ms.push(Number(process.hrtime.bigint() - t) / 1e6);
        } catch (err) {
          // A failed request (e.g. POLICY.TIMEOUT on an overloaded machine) is counted, not timed.
          const key = String(err.message).slice(0, 80);
          run.errors.set(key, (run.errors.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  run.seconds += Number(process.hrtime.bigint() - started) / 1e9;
}

function summary(run) {
  const s = [...run.ms].sort((a, b) => a - b);
  for (const [message, n] of run.errors) console.error(`${run.clients} clients, ${run.name}: ${n} × ${message}`);
  const failed = [...run.errors.values()].reduce((a, b) => a + b, 0);
  return {
    p50: pct(s, 50) ?? NaN,
    p95: pct(s, 95) ?? NaN,
    p99: pct(s, 99) ?? NaN,
    rps: s.length / run.seconds,
    failed,
  };
}

const rows = [];
for (const clients of levels) {
  const runs = [];
  for (const [name, kind] of Object.entries(paths)) runs.push(await open(name, kind, clients));
  const slice = Math.max(clients * 2, 10);
  for (let from = 0; from < count; from += slice) {
    for (const run of runs) await round(run, from, Math.min(slice, count - from));
  }
  await Promise.all(runs.flatMap((run) => run.conns.map((c) => run.kind.close(c))));
  const results = Object.fromEntries(runs.map((run) => [run.name, summary(run)]));
  const base = results['direct PostgreSQL'];
  const rest = results['REST /v1/actions'];
  for (const [name, r] of Object.entries(results)) {
    rows.push({
      clients,
      path: name,
      ...r,
      overDirect: r.p50 - base.p50,
      overRest: name.startsWith('direct') || name.startsWith('REST') ? undefined : r.p50 - rest.p50,
    });
  }
}

const f = (n) => (n === undefined ? '' : `${n.toFixed(2)}`);
console.log(`${count} requests per path and concurrency, paths interleaved; query: ${sql}`);
console.log('| clients | path | p50 ms | p95 ms | p99 ms | ok req/s | failed | p50 over direct | p50 over REST |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.clients} | ${r.path} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${r.rps.toFixed(1)} | ${r.failed} | ${f(r.overDirect)} | ${f(r.overRest)} |`,
  );
}
