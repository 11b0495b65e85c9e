#!/usr/bin/env node
// npm run bench: load and scale of the whole platform on this machine, written into BENCHMARKS.md.
//
// Brings up the real stack (broker at KAFKA_BROKERS, database DATABASE_URL, the five apps from
// dist/ on ports from E2E_BASE_PORT, else 8080…), seeds a demo target of its own
// (<database>_demo, role <database>_agent), then drives POST /v1/actions over HTTP with
// autocannon: real audited actions (an allowed, masked SELECT on `customers`; the gateway answers
// 200 once the action has been decided, run, masked and its outcome event written). Each phase
// runs the same query straight to PostgreSQL too (pg pool, same concurrency or rate) for the
// overhead. Per component: the apps' Prometheus histograms (delta per phase). Scale: a second
// policy and masking instance join their consumer groups; the partitions they take are read with
// describeGroups and the phases run again. Memory: each app's RSS (pidusage) through the run.
//
//   node scripts/bench.mjs [--duration 180] [--rate 100] [--concurrency 1,10,50,100]
//                          [--no-write] [--cpu-prof] [--keep]
// --duration is the seconds of load in all (the phases share it); --cpu-prof writes each app's
// CPU profile into $VERITY_HOME/bench/prof when the apps stop.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import pidusage from 'pidusage';
import { APPS, spawnApp, waitReady } from './apps.mjs';
import { ensureBuilt, root } from './build-once.mjs';
import { databaseUrl, ensureDatabase, ensureKafka } from './infra.mjs';
import { seedDemo } from './seed-demo.mjs';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '180' },
    rate: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '1,10,50,100' },
    'no-write': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const totalSeconds = Number(opts.duration);
const rate = Number(opts.rate);
const levels = opts.concurrency.split(',').map(Number);
if (!(totalSeconds >= 30) || !(rate > 0) || levels.some((c) => !(c >= 1)))
  throw new Error('--duration ≥ 30, --rate > 0 and --concurrency a list of positive integers');

const home = process.env.VERITY_HOME ?? path.join(root, '.verity');
const work = path.join(home, 'bench');
const logs = path.join(work, 'logs');
mkdirSync(logs, { recursive: true });
const say = (line) => console.log(`[bench] ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the stack
const basePort = Number(process.env.E2E_BASE_PORT ?? 8080);
const PORT_OFFSET = { gateway: 0, audit: 1, ledger: 2, policy: 3, masking: 4 };
const SECOND_PORT_OFFSET = { policy: 5, masking: 6 };

ensureKafka();
const dbUrl = databaseUrl();
await ensureDatabase(dbUrl);
const dbName = decodeURIComponent(new URL(dbUrl).pathname.slice(1));
const serverUrl = new URL(dbUrl);
serverUrl.pathname = '/postgres';
const target = await seedDemo({
  adminUrl: serverUrl.toString(),
  database: `${dbName}_demo`,
  role: `${dbName}_agent`,
  secretsDir: path.join(work, 'secrets'),
});
const targetPassword = readFileSync(target.passwordFile, 'utf8').trim();
const connectionsFile = path.join(work, 'connections.yaml');
writeFileSync(
  connectionsFile,
  [
    'connections:',
    '  demo-db:',
    '    type: postgres',
    `    host: ${serverUrl.hostname}`,
    `    port: ${serverUrl.port || 5432}`,
    `    database: ${target.database}`,
    `    user: ${target.role}`,
    `    password: { file: ${target.passwordFile} }`,
    '',
  ].join('\n'),
);
ensureBuilt();

const env = {
  ...process.env,
  VERITY_HOME: home,
  VERITY_CONNECTIONS: connectionsFile,
  ...Object.fromEntries(APPS.map((a) => [a.portVar, String(basePort + PORT_OFFSET[a.name])])),
};
const profDir = path.join(work, 'prof');
const nodeArgs = opts['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];

/** Running instances: name (policy, policy#2…), pid, url, child. */
const instances = [];
async function startInstance(app, instance, port) {
  const name = instance === 1 ? app.name : `${app.name}#${instance}`;
  const child = spawnApp(app, {
    env: { ...env, [app.portVar]: String(port), INSTANCE_ID: `${app.name}-${instance}` },
    logFile: path.join(logs, `${name.replace('#', '-')}.log`),
    nodeArgs,
  });
  const entry = { name, app: app.name, pid: child.pid, url: `http://127.0.0.1:${port}`, child };
  instances.push(entry);
  await waitReady(entry.url, 120_000, () => child.exitCode === null && child.signalCode === null);
  return entry;
}

async function stopAll() {
  const running = instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null);
  for (const i of running) i.child.kill('SIGTERM');
  await Promise.all(running.map((i) => new Promise((r) => i.child.once('exit', r))));
}
process.on('SIGINT', () => stopAll().then(() => process.exit(130)));
// However the script ends (a failed start, an error in a phase), no app is left running.
process.on('exit', () => {
  for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGTERM');
});

say(`starting the five apps (logs in ${logs})`);
await Promise.all(APPS.map((app) => startInstance(app, 1, basePort + PORT_OFFSET[app.name])));
const gatewayUrl = instances.find((i) => i.name === 'gateway').url;

// ---------------------------------------------------------------- memory and CPU samples
const samples = []; // { t, phase, name, rss, cpu }
let phase = 'warm-up';
const t0 = Date.now();
const sampler = setInterval(async () => {
  const live = instances.filter((i) => i.child.exitCode === null);
  try {
    const stats = await pidusage(live.map((i) => i.pid));
    for (const i of live) {
      const s = stats[i.pid];
      if (s) samples.push({ t: (Date.now() - t0) / 1000, phase, name: i.name, rss: s.memory, cpu: s.cpu });
    }
  } catch {
    // a process that just exited
  }
}, 1000);

// ---------------------------------------------------------------- load generators
const { DevIssuer } = createRequire(import.meta.url)('../dist/libs/identity/src/index.js');
const token = await (await DevIssuer.load(home)).mint({ sub: 'bench', groups: ['analysts'] });
const SQL = 'SELECT id, full_name, email FROM customers WHERE id = $1';
const runTag = Date.now().toString(36);
let sent = 0;
/**
 * Sessions: 64 at a time (keys spread over the partitions), each used for 50 actions then
 * replaced, far below policy's per-session budgets.
 */
function nextBody() {
  const i = sent++;
  return JSON.stringify({
    connection: 'demo-db',
    operation: 'sql.query',
    input: { sql: SQL, params: [(i % 50) + 1] },
    sessionId: `bench-${runTag}-${i % 64}-${Math.floor(i / (64 * 50))}`,
  });
}

const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
function summarise(ms, seconds, errors) {
  const s = Float64Array.from(ms).sort();
  return {
    n: s.length,
    errors,
    throughput: s.length / seconds,
    p50: pct(s, 50),
    p95: pct(s, 95),
    p99: pct(s, 99),
    max: s.length ? s[s.length - 1] : NaN,
  };
}

/** POST /v1/actions with autocannon: `connections` at once, or a fixed overall rate. */
function viaVerity({ connections, overallRate, seconds }) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const errors = {};
    const instance = autocannon(
      {
        url: `${gatewayUrl}/v1/actions`,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        connections,
        overallRate,
        duration: seconds,
        timeout: 15,
        requests: [{ setupRequest: (req) => ({ ...req, body: nextBody() }) }],
      },
      (err, result) => {
        if (err) return reject(err);
        const failed = Object.values(errors).reduce((a, b) => a + b, 0) + result.timeouts + result.errors;
        resolve({ ...summarise(latencies, seconds, failed), statuses: errors });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
      else errors[statusCode] = (errors[statusCode] ?? 0) + 1;
    });
  });
}

const directPool = (max) =>
  new pg.Pool({
    host: serverUrl.hostname,
    port: Number(serverUrl.port || 5432),
    database: target.database,
    user: target.role,
    password: targetPassword,
    max,
  });

/** Most connections the direct phases open (the server's max_connections is shared with the apps). */
const DIRECT_POOL_MAX = 40;

/** The same query straight to PostgreSQL: `connections` loops at once, or a fixed overall rate. */
async function direct({ connections, overallRate, seconds }) {
  const size = Math.min(connections, DIRECT_POOL_MAX);
  const pool = directPool(size);
  await Promise.all(Array.from({ length: size }, (_, i) => pool.query(SQL, [i + 1])));
  const latencies = [];
  let errors = 0;
  let i = 0;
  const one = async () => {
    const start = process.hrtime.bigint();
    try {
      await pool.query(SQL, [(i++ % 50) + 1]);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    } catch {
      errors++;
    }
  };
  const end = Date.now() + seconds * 1000;
  if (overallRate) {
    const inflight = new Set();
    const began = Date.now();
    let issued = 0;
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - began) / 1000) * overallRate);
      for (; issued < due; issued++) {
        const p = one().then(() => inflight.delete(p));
        inflight.add(p);
      }
      await sleep(2);
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < end) await one();
      }),
    );
  }
  await pool.end();
  return summarise(latencies, seconds, errors);
}

// ---------------------------------------------------------------- per-component metrics
/** Parses the histograms of a Prometheus text page: key name{labels without le} → buckets, sum, count. */
function parseHistograms(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\w+?)_(bucket|sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const [, name, part, labelText, value] = m;
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const le = labels.le;
    delete labels.le;
    const key = `${name}${JSON.stringify(labels)}`;
    const h = out.get(key) ?? { name, labels, buckets: [], sum: 0, count: 0 };
    if (part === 'bucket') h.buckets.push([le === '+Inf' ? Infinity : Number(le), Number(value)]);
    else h[part] = Number(value);
    out.set(key, h);
  }
  return out;
}

async function scrape() {
  const pages = await Promise.all(
    instances
      .filter((i) => i.child.exitCode === null)
      .map(async (i) => [i.name, parseHistograms(await (await fetch(`${i.url}/metrics`)).text())]),
  );
  return new Map(pages);
}

/** Estimates a percentile from cumulative buckets (linear within the bucket). */
function bucketPct(buckets, count, p) {
  const rank = (p / 100) * count;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of buckets) {
    if (c >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((rank - prevCount) / Math.max(1, c - prevCount)) * (le - prevLe);
    }
    prevLe = le;
    prevCount = c;
  }
  return prevLe;
}

/** What each instance's histograms gained between two scrapes: count, mean, p50, p99 (ms). */
function componentDelta(before, after) {
  const rows = [];
  for (const [instance, hs] of after) {
    for (const [key, h] of hs) {
      if (!h.name.startsWith('verity_')) continue;
      const b = before.get(instance)?.get(key);
      const count = h.count - (b?.count ?? 0);
      if (count <= 0) continue;
      const buckets = h.buckets.map(([le, c], j) => [le, c - (b?.buckets[j]?.[1] ?? 0)]);
      const sum = h.sum - (b?.sum ?? 0);
      rows.push({
        instance,
        metric: h.name,
        labels: h.labels,
        count,
        mean: (sum / count) * 1000,
        p50: bucketPct(buckets, count, 50) * 1000,
        p99: bucketPct(buckets, count, 99) * 1000,
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------- phases
const results = [];
// Plan: verity phases = fixed rate + each level, then after scale-out fixed rate + the top two
// levels; each direct phase takes a third of a verity phase.
const scaledLevels = levels.slice(-2);
const verityPhases = 1 + levels.length + 1 + scaledLevels.length;
const directPhases = 1 + levels.length;
const unit = totalSeconds / (verityPhases + directPhases / 3);
const verityS = Math.max(5, Math.round(unit));
const directS = Math.max(3, Math.round(unit / 3));

async function runPhase(label, load, { withDirect = true } = {}) {
  phase = label;
  let pgResult;
  if (withDirect) {
    say(`${label}: direct PostgreSQL for ${directS} s`);
    pgResult = await direct({ ...load, seconds: directS });
  }
  say(`${label}: audited via Verity for ${verityS} s`);
  const before = await scrape();
  const cpuFrom = samples.length;
  const verity = await viaVerity({ ...load, seconds: verityS });
  const after = await scrape();
  const cpu = {};
  for (const s of samples.slice(cpuFrom)) (cpu[s.name] ??= []).push(s.cpu);
  const row = {
    label,
    load,
    direct: pgResult,
    verity,
    components: componentDelta(before, after),
    cpu: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length])),
  };
  results.push(row);
  const fmt = (r) =>
    r ? `${r.throughput.toFixed(0)}/s p50 ${r.p50.toFixed(2)} p95 ${r.p95.toFixed(2)} p99 ${r.p99.toFixed(2)} ms` : '—';
  say(`${label}: verity ${fmt(verity)} (errors ${verity.errors}); direct ${fmt(pgResult)}`);
  return row;
}

/**
 * Connections for the fixed-rate phases: autocannon keeps one request in flight per connection,
 * so the rate holds only while latency stays under connections / rate seconds (here 0.5 s).
 */
const fixedRateConnections = Math.max(10, Math.ceil(rate / 2));

say('warm-up: 5 s at concurrency 10');
await viaVerity({ connections: 10, seconds: 5 });
const loadAvgStart = os.loadavg();
/** RSS counts from the end of each instance's warm-up. */
const memFrom = (names) =>
  names.forEach((n) => (instances.find((i) => i.name === n).memFrom = (Date.now() - t0) / 1000));
memFrom(instances.map((i) => i.name));

await runPhase(`${rate}/s fixed rate`, { connections: fixedRateConnections, overallRate: rate });
for (const c of levels) await runPhase(`concurrency ${c}`, { connections: c });

// ---------------------------------------------------------------- horizontal scale
const kafka = new Kafka({
  clientId: 'bench',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
async function assignments(groups) {
  const { groups: described } = await admin.describeGroups(groups);
  return Object.fromEntries(
    described.map((g) => [
      g.groupId,
      {
        state: g.state,
        members: g.members.map((m) => {
          const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          return { clientId: m.clientId, partitions: decoded ? decoded.assignment : {} };
        }),
      },
    ]),
  );
}
const GROUPS = ['policy.decisions', 'masking.workers'];
const assignedBefore = await assignments(GROUPS);
say('scale-out: a second policy and masking instance');
const second = await Promise.all(
  ['policy', 'masking'].map((n) =>
    startInstance(
      APPS.find((a) => a.name === n),
      2,
      basePort + SECOND_PORT_OFFSET[n],
    ),
  ),
);
// Ready means joined; wait until both groups are stable with two members holding partitions.
let assignedAfter;
for (let i = 0; i < 60; i++) {
  assignedAfter = await assignments(GROUPS);
  const ok = GROUPS.every(
    (g) =>
      assignedAfter[g].state === 'Stable' &&
      assignedAfter[g].members.length === 2 &&
      assignedAfter[g].members.every((m) => Object.values(m.partitions).some((p) => p.length > 0)),
  );
  if (ok) break;
  await sleep(500);
}
await admin.disconnect();
say(`assignments after scale-out: ${JSON.stringify(assignedAfter)}`);
await viaVerity({ connections: 10, seconds: 3 });
memFrom(second.map((i) => i.name));
await runPhase(
  `${rate}/s fixed rate, 2× policy + masking`,
  {
    connections: fixedRateConnections,
    overallRate: rate,
  },
  { withDirect: false },
);
for (const c of scaledLevels)
  await runPhase(`concurrency ${c}, 2× policy + masking`, { connections: c }, { withDirect: false });

clearInterval(sampler);
const loadAvgEnd = os.loadavg();

// ---------------------------------------------------------------- memory
function memory() {
  const byName = {};
  for (const s of samples) {
    if (s.t >= instances.find((i) => i.name === s.name).memFrom) (byName[s.name] ??= []).push(s);
  }
  return Object.fromEntries(
    Object.entries(byName).map(([name, xs]) => {
      const mb = xs.map((x) => x.rss / 2 ** 20);
      // least-squares slope, MB per minute
      const n = xs.length;
      const mt = xs.reduce((a, x) => a + x.t, 0) / n;
      const mm = mb.reduce((a, b) => a + b, 0) / n;
      let num = 0;
      let den = 0;
      xs.forEach((x, j) => {
        num += (x.t - mt) * (mb[j] - mm);
        den += (x.t - mt) ** 2;
      });
      return [
        name,
        {
          start: mb[0],
          end: mb[n - 1],
          max: Math.max(...mb),
          slopePerMin: den ? (num / den) * 60 : 0,
          minutes: (xs[n - 1].t - xs[0].t) / 60,
        },
      ];
    }),
  );
}
const mem = memory();

if (!opts.keep) await stopAll();

// ---------------------------------------------------------------- report
const machine = {
  cpus: os.cpus().length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadAvgStart: loadAvgStart.map((x) => x.toFixed(1)).join(' '),
  loadAvgEnd: loadAvgEnd.map((x) => x.toFixed(1)).join(' '),
  date: new Date().toISOString().slice(0, 16).replace('T', ' '),
};
const raw = { machine, opts, verityS, directS, results, assignedBefore, assignedAfter, memory: mem };
const rawFile = path.join(work, `results-${runTag}.json`);
writeFileSync(rawFile, JSON.stringify(raw, null, 2));
say(`raw results in ${rawFile}`);

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const lines = [];
lines.push(
  `Generated by \`npm run bench -- --duration ${totalSeconds}\` on ${machine.date} UTC. Machine: ${machine.cpus} cores, ` +
    `${machine.memGiB} GiB, Node ${machine.node.slice(1)}, PostgreSQL and a single-node Kafka broker on the same machine, ` +
    `**shared with other work while measured** (load average ${machine.loadAvgStart} at the start, ` +
    `${machine.loadAvgEnd} at the end), and the load generator (autocannon) runs on the same two cores. ` +
    `Each Verity phase ran ${verityS} s, each direct-PostgreSQL phase ${directS} s. Latency is per request, ` +
    'from autocannon sending it to the 200 answer (the action decided, run on the target, masked, and its outcome ' +
    'event acknowledged by the broker); only 200 answers count, and requests still in flight when a phase ends count ' +
    'neither as answers nor as errors.',
  '',
  '| phase | audited actions/s | p50 | p95 | p99 | errors | direct PG/s | direct p50 | direct p99 | added p50 | added p99 | throughput ratio |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const r of results) {
  const v = r.verity;
  const d = r.direct;
  lines.push(
    `| ${r.label} | ${f(v.throughput, 0)} | ${f(v.p50)} ms | ${f(v.p95)} ms | ${f(v.p99)} ms | ${v.errors} | ` +
      (d
        ? `${f(d.throughput, 0)} | ${f(d.p50, 2)} ms | ${f(d.p99, 2)} ms | ${f(v.p50 - d.p50)} ms | ${f(v.p99 - d.p99)} ms | ${f(v.throughput / d.throughput, 3)} |`
        : '— | — | — | — | — | — |'),
  );
}
const saturated = Math.max(...results.map((r) => r.verity.throughput));
const fixed = results[0];
const reached = fixed.verity.throughput >= 0.95 * rate;
lines.push(
  '',
  ...(reached
    ? []
    : [
        `The fixed-rate phase did **not** reach ${rate} actions/s (${f(fixed.verity.throughput, 0)}/s with ` +
          `${fixedRateConnections} connections): its latencies are those of an overloaded platform, not of one at ${rate}/s.`,
        '',
      ]),
  `Goals at ${rate} actions/s: added p50 ≤ 5 ms — ${f(fixed.verity.p50 - fixed.direct.p50)} ms: ` +
    `**${fixed.verity.p50 - fixed.direct.p50 <= 5 ? 'met' : 'not met'}**; added p99 ≤ 25 ms — ` +
    `${f(fixed.verity.p99 - fixed.direct.p99)} ms: **${fixed.verity.p99 - fixed.direct.p99 <= 25 ? 'met' : 'not met'}**. ` +
    `Saturation ≥ 1,000 audited actions/s — best ${f(saturated, 0)}/s: **${saturated >= 1000 ? 'met' : 'not met'}**.`,
  '',
  '**Per component** (the apps’ own histograms, delta over each Verity phase; mean and p50/p99 estimated from the buckets, ms). ' +
    'Gateway stages are `verity_gateway_action_stage_seconds`; the others are `verity_kafka_consume_seconds` ' +
    '(validate + handle one message, including publishing its reply). CPU is the average share of one core per process over the phase, and that CPU time per audited action.',
  '',
);
const STAGES = [
  'store',
  'publish_intent',
  'await_decision',
  'record',
  'execute',
  'publish_result',
  'await_masking',
  'publish_outcome',
  'total',
];
for (const r of results) {
  const parts = [];
  for (const s of STAGES) {
    const c = r.components.find((x) => x.metric === 'verity_gateway_action_stage_seconds' && x.labels.stage === s);
    if (c) parts.push(`${s} ${f(c.mean, 2)}`);
  }
  const consumers = r.components
    .filter((x) => x.metric === 'verity_kafka_consume_seconds' && x.labels.outcome === 'ok')
    .map(
      (x) =>
        `${x.instance} ${x.labels.topic.split('.').slice(1, 3).join('.')} ${f(x.mean, 2)} (p50 ${f(x.p50, 2)}, p99 ${f(x.p99, 1)}, n ${x.count})`,
    );
  const cpu = Object.entries(r.cpu)
    .map(([k, v]) => `${k} ${f(v, 0)} % (${f((v * 10) / r.verity.throughput, 2)} ms/action)`)
    .join(', ');
  lines.push(
    `- _${r.label}_ — gateway mean per stage: ${parts.join(', ')}; consumers: ${consumers.join('; ') || '—'}; CPU: ${cpu}.`,
  );
}
const describe = (a) =>
  Object.entries(a)
    .map(
      ([g, v]) =>
        `\`${g}\` (${v.state}): ` +
        v.members
          .map(
            (m) =>
              `${m.clientId} → ${Object.entries(m.partitions)
                .map(([t, p]) => `${t.split('.').slice(1).join('.')} [${p.join(',')}]`)
                .join(' ')}`,
          )
          .join('; '),
    )
    .join('. ');
const memoryAt = lines.length + 3;
lines.push(
  '',
  `**Horizontal scale.** Before: ${describe(assignedBefore)}. After a second instance of each joined: ${describe(assignedAfter)}.`,
  '',
  `**Memory** (RSS from pidusage every second, from the end of each instance's warm-up to the end: ${f(Object.values(mem)[0]?.minutes ?? 0)} min for the first instances; slope by least squares):`,
  '',
  '| app | start | end | max | slope |',
  '| --- | --- | --- | --- | --- |',
  ...Object.entries(mem).map(
    ([k, m]) =>
      `| ${k} | ${f(m.start, 0)} MB | ${f(m.end, 0)} MB | ${f(m.max, 0)} MB | ${f(m.slopePerMin, 2)} MB/min |`,
  ),
);
const section = lines.join('\n');
console.log(`\n${section}\n`);

/** Replaces what is between `<!-- bench:<name>:start -->` and its end marker in BENCHMARKS.md. */
function writeSection(name, text) {
  const file = path.join(root, 'BENCHMARKS.md');
  const begin = `<!-- bench:${name}:start -->`;
  const finish = `<!-- bench:${name}:end -->`;
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(begin);
  const to = doc.indexOf(finish);
  if (from < 0 || to < from) throw new Error(`BENCHMARKS.md has no ${begin} … ${finish} markers`);
  writeFileSync(file, `${doc.slice(0, from + begin.length)}\n${text}\n${doc.slice(to)}`);
  say(`BENCHMARKS.md: section ${name} rewritten`);
}
if (!opts['no-write']) {
  writeSection('load', section);
  if (totalSeconds >= 600) writeSection('soak', [lines[0], '', ...lines.slice(memoryAt)].join('\n'));
}
process.exit(0);
