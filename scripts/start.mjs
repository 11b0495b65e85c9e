#!/usr/bin/env node
// npm start: brings the whole platform up on this machine and keeps it in the foreground.
//   1. a Kafka broker at KAFKA_BROKERS (the repo's local one when nothing answers)
//   2. the database in DATABASE_URL (created when missing; each app migrates its schema at boot)
//   3. the demo target database `verity_demo` with synthetic customers, registered as `demo-db`
//   4. the five services from dist/ (built when out of date), logs in .verity/logs/<app>.log
// Ctrl-C (or `npm run stop` from another shell) stops them gracefully.
// `npm start -- --only policy` runs one app alone against whatever KAFKA_BROKERS/DATABASE_URL say.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { APPS, portOf, spawnApp, waitReady } from './apps.mjs';
import { ensureBuilt, root } from './build-once.mjs';
import { databaseUrl, ensureDatabase, ensureKafka } from './infra.mjs';
import { seedDemo } from './seed-demo.mjs';

const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
const home = process.env.VERITY_HOME ?? path.join(root, '.verity');
const logs = path.join(home, 'logs');
mkdirSync(logs, { recursive: true });
const say = (line) => console.log(`[verity] ${line}`);

const selected = values.only ? APPS.filter((a) => values.only.includes(a.name)) : APPS;
if (selected.length === 0) throw new Error(`--only takes one of: ${APPS.map((a) => a.name).join(', ')}`);

ensureKafka();
await ensureDatabase(databaseUrl());
if (!values.only) {
  const admin = new URL(databaseUrl());
  admin.pathname = '/postgres';
  await seedDemo({ adminUrl: admin.toString(), database: 'verity_demo', secretsDir: path.join(home, 'secrets') });
  say('demo target database verity_demo seeded (connection demo-db)');
}
ensureBuilt();

// The web explorer (served by audit) calls the gateway's reviewer API from the browser: allow
// its origin unless GATEWAY_CORS_ORIGINS says otherwise (the gateway's own default is none).
const auditPort = portOf(APPS.find((a) => a.name === 'audit'));
const corsOrigins = process.env.GATEWAY_CORS_ORIGINS ?? `http://127.0.0.1:${auditPort},http://localhost:${auditPort}`;

const children = new Map();
let stopping = false;

function stopAll(signal = 'SIGTERM') {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const child of children.values()) child.kill(signal);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15_000).unref();
}

for (const app of selected) {
  const child = spawnApp(app, {
    env: { ...process.env, VERITY_HOME: home, GATEWAY_CORS_ORIGINS: corsOrigins },
    logFile: path.join(logs, `${app.name}.log`),
  });
  children.set(app.name, child);
  child.on('exit', (code, signal) => {
    children.delete(app.name);
    if (!stopping) {
      say(`${app.name} exited (${signal ?? code}); see ${path.join(logs, `${app.name}.log`)}`);
      stopAll();
    }
    if (children.size === 0) {
      rmSync(path.join(home, 'platform.pid'), { force: true });
      process.exit(stopping && !code ? 0 : 1);
    }
  });
}
writeFileSync(path.join(home, 'platform.pid'), String(process.pid));
process.on('SIGINT', () => stopAll());
process.on('SIGTERM', () => stopAll());

try {
  await Promise.all(
    selected.map((app) => waitReady(`http://127.0.0.1:${portOf(app)}`, 90_000, () => children.has(app.name))),
  );
} catch (err) {
  say(`start failed: ${err.message}`);
  stopAll();
  await new Promise(() => {});
}

for (const app of selected)
  say(`${app.name.padEnd(8)} http://127.0.0.1:${portOf(app)}  (logs: ${path.join(logs, `${app.name}.log`)})`);
if (!values.only) {
  const { DevIssuer } = createRequire(import.meta.url)('../dist/libs/identity/src/index.js');
  const issuer = await DevIssuer.load(home);
  const token = await issuer.mint({
    sub: 'alice',
    groups: ['analysts', 'compliance'],
    act: { sub: 'agent:support-bot' },
  });
  const gateway = `http://127.0.0.1:${portOf(APPS.find((a) => a.name === 'gateway'))}`;
  const audit = `http://127.0.0.1:${portOf(APPS.find((a) => a.name === 'audit'))}`;
  const body = JSON.stringify({
    connection: 'demo-db',
    operation: 'sql.query',
    input: { sql: 'SELECT id, full_name, email, city FROM customers ORDER BY id LIMIT 3' },
    sessionId: 'demo-session-1',
    agent: { step: 1, thought: 'The user asked who our first customers were.', tool: 'sql', model: 'demo' },
  });
  console.log(`
Verity is up. An agent action (token for alice, acted for by agent:support-bot, valid 1 h):

TOKEN='${token}'
curl -s ${gateway}/v1/actions -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
  -d '${body}'

The same through the PostgreSQL wire listener (database = connection name, password = token):
psql "postgresql://alice:$TOKEN@127.0.0.1:${process.env.GATEWAY_PG_PORT ?? 6432}/demo-db" -c 'SELECT id, full_name, email FROM customers LIMIT 3'

Then its audit record (use the actionId from the answer):
curl -s ${audit}/v1/audit/actions/<actionId> -H "authorization: Bearer $TOKEN"

The web explorer: ${audit}/ — sign in by pasting a token with the compliance group
(and approvers, to judge reviews): npm run -s token -- --sub carol --groups compliance,approvers

New tokens: npm run token -- --sub alice --groups analysts,compliance
Stop: Ctrl-C here, or npm run stop`);
}
