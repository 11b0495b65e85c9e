#!/usr/bin/env node
// npm run bench:audit [-- --rate 500 --seconds 30 --rows 1000000 --port 8091]
//
// Two figures for the audit app (issue 7), against the real broker and PostgreSQL:
//
// 1. Projection lag under load: starts audit (dist/) as its own process, publishes
//    LedgerAppended for `rate` actions per second (three entries each: requested, decided,
//    executed; 200 sessions, so every partition) for `seconds`, and measures, per action, the
//    time from the ledger's announcement of its last entry to the commit of the projection that
//    applied it (the row's updated_at: PostgreSQL's clock, same machine). Reports p50/p99/max
//    and whether the publisher held the rate.
// 2. Filtered queries over `rows` actions: inserts them straight into audit.actions (one
//    INSERT … SELECT from generate_series, then ANALYZE), then times GET /v1/audit/actions with
//    each filter through the running app (HTTP, auth and the audit.read event included), 30
//    runs each.
//
// Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/verity_bench_audit; its audit
// schema is emptied first) and KAFKA_BROKERS like the apps.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureBuilt, root } from './build-once.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    rows: { type: 'string', default: '1000000' },
    port: { type: 'string', default: '8091' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const rows = Number(values.rows);
const port = Number(values.port);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/verity_bench_audit';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const home = process.env.VERITY_HOME ?? path.join(root, '.verity');

ensureBuilt();
const require = createRequire(import.meta.url);
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');
const contracts = require('../dist/libs/contracts/src/index.js');

// What the ledger announces for an appended event (libs/testing's ledgerAppendedEvent, which is
// TypeScript only: the build leaves the testing lib out).
function ledgerAppendedEvent(event, at) {
  const entry = {
    schema: 1,
    origin: at.origin,
    eventId: event.id,
    eventType: event.type,
    sessionId: event.sessionid,
    sessionSeq: at.sessionSeq,
    occurredAt: event.time,
    payloadSha256: contracts.digestOf(event),
    payloadSize: Buffer.byteLength(contracts.canonicalJson(event)),
  };
  const leafHash = createHash('sha256')
    .update(Buffer.from([0]))
    .update(contracts.canonicalJson(entry))
    .digest('hex');
  return contracts.createEvent(contracts.LedgerAppended, {
    source: '/verity/ledger',
    actionId: event.actionid,
    sessionId: event.sessionid,
    actor: event.actor,
    causationId: event.id,
    data: { origin: at.origin, index: at.index, leafHash, entry, event },
  });
}
const { DevIssuer } = require('../dist/libs/identity/src/index.js');

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the app ----------------------------------------------------------------------------------
const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]*$/, '/postgres') });
await admin.connect();
const dbName = new URL(databaseUrl).pathname.slice(1);
const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${dbName}"`);
await admin.end();
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
await db.query('DROP SCHEMA IF EXISTS audit CASCADE');

const kafka = new Kafka({ clientId: 'bench-audit', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const kadmin = kafka.admin();
await kadmin.connect();

const app = spawn(process.execPath, [path.join(root, 'dist/apps/audit/src/main.js')], {
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    AUDIT_PORT: String(port),
    AUDIT_ORPHAN_SWEEP_MS: '0',
    LOG_LEVEL: 'warn',
    VERITY_HOME: home,
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const url = `http://127.0.0.1:${port}`;
const stopApp = () =>
  new Promise((resolve) => (app.exitCode !== null ? resolve() : (app.once('exit', resolve), app.kill('SIGTERM'))));
try {
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (i > 600 || app.exitCode !== null) throw new Error('audit did not become ready');
    await sleep(200);
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();

  // ---- 1. projection lag ----------------------------------------------------------------------
  const run = contracts.newId().slice(-8);
  const origin = `bench-audit/${run}`;
  const sessions = Array.from({ length: 200 }, (_, i) => `bench-${run}-${i}`);
  const actor = (i) => ({
    subject: `user-${i % 50}`,
    issuer: 'urn:verity:bench',
    kind: 'agent',
    actingParties: [{ subject: `agent:bench-${i % 7}` }],
    groups: ['analysts'],
  });
  let index = 0;
  const entriesOf = (i) => {
    const actionId = contracts.newId();
    const sessionId = sessions[i % sessions.length];
    const base = { source: '/verity/bench', actionId, sessionId, actor: actor(i) };
    const sql = `SELECT * FROM orders WHERE id = ${i}`;
    const events = [
      contracts.createEvent(contracts.ActionRequested, {
        ...base,
        data: {
          connection: `conn-${i % 5}`,
          operation: 'sql.query',
          payload: { sql },
          payloadDigest: contracts.digestOf({ sql }),
          agent: { step: i, thought: 'bench' },
        },
      }),
      contracts.createEvent(contracts.ActionDecided, {
        ...base,
        data: {
          decision: 'allow',
          reasons: [],
          policyIds: ['bench'],
          bundleRevision: 'bench',
          obligations: {},
          analysis: { statementKinds: ['select'], tablesRead: ['orders'], tablesWritten: [], readOnly: true },
        },
      }),
      contracts.createEvent(contracts.ActionExecuted, {
        ...base,
        data: {
          payloadDigest: contracts.digestOf({ sql }),
          resultDigest: 'e'.repeat(64),
          result: { columns: ['id'], rows: [[i]], rowCount: 1, truncated: false },
          masking: { profile: 'default', maskedValues: 0, fields: [] },
          durationMs: 1,
        },
      }),
    ];
    return { actionId, events };
  };
  const sent = []; // [actionId, announced time of its last entry]
  const total = rate * seconds;
  const tickMs = 100;
  const perTick = (rate * tickMs) / 1000;
  const started = Date.now();
  let produced = 0;
  let behindTicks = 0;
  while (produced < total) {
    // At most one tick's worth per send: a publisher that falls behind catches up tick by tick.
    const due = Math.min(total, produced + perTick, Math.round(((Date.now() - started) / tickMs + 1) * perTick));
    const messages = [];
    const lastOf = [];
    for (; produced < due; produced++) {
      const { actionId, events } = entriesOf(produced);
      events.forEach((e, k) => {
        const announced = ledgerAppendedEvent(e, { origin, index: index++, sessionSeq: k });
        messages.push({
          key: e.sessionid,
          value: JSON.stringify(announced),
          headers: { 'ce-type': announced.type, 'ce-id': announced.id },
        });
        if (k === 2) lastOf.push([actionId, announced.time]);
      });
    }
    if (messages.length > 0) {
      await producer.send({ topic: contracts.LedgerAppended.topic, messages, compression: CompressionTypes.None });
      sent.push(...lastOf);
    }
    const nextTick = started + Math.ceil((Date.now() - started + 1) / tickMs) * tickMs;
    if (nextTick - Date.now() <= 0) behindTicks++;
    await sleep(Math.max(0, nextTick - Date.now()));
  }
  const publishSeconds = (Date.now() - started) / 1000;
  const ids = sent.map(([id]) => id);
  const announcedAt = new Map(sent);
  let done = 0;
  const waitStart = Date.now();
  while (Date.now() - waitStart < 600_000) {
    const { rows: r } = await db.query(
      `SELECT count(*)::int AS n FROM audit.actions WHERE action_id = ANY($1::uuid[]) AND status = 'executed'`,
      [ids],
    );
    done = r[0].n;
    if (done === ids.length) break;
    await sleep(500);
  }
  const { rows: applied } = await db.query(
    `SELECT action_id, updated_at FROM audit.actions WHERE action_id = ANY($1::uuid[]) AND status = 'executed'`,
    [ids],
  );
  const lags = applied
    .map((r) => r.updated_at.getTime() - new Date(announcedAt.get(r.action_id)).getTime())
    .sort((a, b) => a - b);
  const drained = (Date.now() - started) / 1000;
  console.log(`\n## Projection lag — ${rate} actions/s (${rate * 3} ledger entries/s) for ${seconds} s`);
  console.log(
    `published ${total} actions (${total * 3} entries) in ${publishSeconds.toFixed(1)} s` +
      `${behindTicks > 2 ? ` (the publisher fell behind on ${behindTicks} ticks)` : ''}; ` +
      `all projected after ${drained.toFixed(1)} s; projected ${done}/${total}`,
  );
  console.log(
    `lag (announcement of the last entry → projection commit): p50 ${fmt(pct(lags, 50))}  p90 ${fmt(pct(lags, 90))}  p99 ${fmt(pct(lags, 99))}  max ${fmt(lags[lags.length - 1])}  (n=${lags.length})`,
  );
  console.log(`projection throughput: ${((total * 3) / drained).toFixed(0)} entries/s`);
  await producer.disconnect();

  // ---- 2. filtered queries over `rows` actions ----------------------------------------------------
  const insertStart = Date.now();
  await db.query(`
    INSERT INTO audit.actions (action_id, session_id, status, identity_subject, identity_issuer, identity_kind, agent,
      connection, operation, sql, agent_step, agent_thought, requested_at, decision, decided_at, tables,
      completed_at, ledger_refs, updated_at)
    SELECT gen_random_uuid(), 'sess-' || (g % 20000), CASE WHEN g % 10 = 0 THEN 'denied' ELSE 'executed' END,
      'user-' || (g % 1000), 'urn:verity:bench', 'agent', 'agent:bot-' || (g % 50),
      'conn-' || (g % 20), CASE WHEN g % 4 = 0 THEN 'http.request' ELSE 'sql.query' END,
      'SELECT * FROM t' || (g % 200) || ' WHERE id = ' || g, g % 30, 'thought number ' || g,
      now() - (g * interval '2 second'),
      CASE WHEN g % 10 = 0 THEN 'deny' WHEN g % 25 = 0 THEN 'review' ELSE 'allow' END,
      now() - (g * interval '2 second'), ARRAY['t' || (g % 200)],
      now() - (g * interval '2 second'), '[]'::jsonb, now()
    FROM generate_series(1, ${rows}) AS g`);
  await db.query('ANALYZE audit.actions');
  console.log(`\n## Filtered queries over ${rows.toLocaleString('en')} actions`);
  console.log(`inserted in ${((Date.now() - insertStart) / 1000).toFixed(1)} s (INSERT … SELECT generate_series)`);
  const token = await (await DevIssuer.load(home)).mint({ sub: 'bench-auditor', groups: ['compliance'] });
  const queries = [
    ['no filter (newest page)', ''],
    ['identity', 'identity=user-42'],
    ['agent', 'agent=agent:bot-7'],
    ['connection + decision', 'connection=conn-10&decision=deny'],
    ['operation', 'operation=http.request'],
    ['table touched', 'table=t123'],
    ['session', 'sessionId=sess-777'],
    [
      'time range',
      `from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
    ],
    ['identity + 2nd page', 'identity=user-42', true],
    ['free text q (ILIKE)', 'q=number%20999999'],
  ];
  for (const [name, qs, secondPage] of queries) {
    const times = [];
    let cursor = null;
    if (secondPage) {
      const first = await (
        await fetch(`${url}/v1/audit/actions?${qs}&limit=50`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
      cursor = first.nextCursor;
    }
    for (let i = 0; i < 30; i++) {
      const t = process.hrtime.bigint();
      const res = await fetch(`${url}/v1/audit/actions?${qs}&limit=50${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`${qs}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`${name.padEnd(26)} p50 ${fmt(pct(times, 50)).padStart(9)}  p99 ${fmt(pct(times, 99)).padStart(9)}`);
  }
  // An export of 100 000 rows: time and the app's peak RSS (constant memory).
  const rssBefore = Number(
    (await (await fetch(`${url}/metrics`)).text()).match(/^process_resident_memory_bytes\{[^}]*\} (\d+)/m)?.[1] ?? 0,
  );
  const t = Date.now();
  const res = await fetch(`${url}/v1/audit/actions?format=ocsf&limit=100000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let bytes = 0;
  let peak = rssBefore;
  const reader = res.body.getReader();
  for (let chunks = 0; ; chunks++) {
    const { done: end, value } = await reader.read();
    if (end) break;
    bytes += value.length;
    if (chunks % 500 === 0) {
      const rss = Number(
        (await (await fetch(`${url}/metrics`)).text()).match(/^process_resident_memory_bytes\{[^}]*\} (\d+)/m)?.[1] ??
          0,
      );
      peak = Math.max(peak, rss);
    }
  }
  console.log(
    `export ocsf 100 000 rows: ${((Date.now() - t) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(0)} MB; app RSS ${(rssBefore / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB during`,
  );
} finally {
  await stopApp();
  await kadmin.disconnect();
  await db.end();
}
