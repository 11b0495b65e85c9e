#!/usr/bin/env node
// Ledger benchmark against the local PostgreSQL (database verity_bench, its own log origin per run).
//   npm run bench:ledger -- [--events 50000] [--batch 1000] [--proof-size 1000000]
// Measures, in one run:
//  1. sustained appends through the ledger's real append path (EntriesService.appendBatch: exactly
//     once, causal order, session sequences, Merkle tree update, outbox) in batches of --batch;
//  2. a plain batched INSERT of the same rows into a table of the same shape, and the ratio;
//  3. offline verification (the verifier of `npm run verify`) of an evidence bundle of those entries;
//  4. inclusion proof latency read from the stored tree once the log holds --proof-size entries
//     (the log is grown to that size first, which takes a while at 1M).
import { createRequire } from 'node:module';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ensureBuilt } from './build-once.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '1000' },
    'proof-size': { type: 'string', default: '0' },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const PROOF_SIZE = Number(values['proof-size']);

ensureBuilt();
process.env.LOG_LEVEL ??= 'warn';
const require = createRequire(import.meta.url);
const { DataSource } = require('typeorm');
const { dataSourceOptions, ensureDatabase, ensureSchema } = require('../dist/libs/persistence/src/index.js');
const { Logger } = require('@nestjs/common');
Logger.overrideLogger(['error']);
const { LEDGER_PERSISTENCE } = require('../dist/apps/ledger/src/ledger.module.js');
const { EntriesRepository } = require('../dist/apps/ledger/src/entries/entries.repository.js');
const { EntriesService } = require('../dist/apps/ledger/src/entries/entries.service.js');
const { TreeRepository } = require('../dist/apps/ledger/src/tree/tree.repository.js');
const { TreeService } = require('../dist/apps/ledger/src/tree/tree.service.js');
const { EvidenceService } = require('../dist/apps/ledger/src/evidence/evidence.service.js');
const { CheckpointsRepository } = require('../dist/apps/ledger/src/checkpoints/checkpoints.repository.js');
const { CheckpointsService } = require('../dist/apps/ledger/src/checkpoints/checkpoints.service.js');
const { verifyBundle } = require('../dist/apps/ledger/src/evidence/verify-bundle.js');
const { verifyInclusion } = require('../dist/libs/merkle/src/index.js');

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/verity';
const url = base.replace(/\/[^/]*$/, '/verity_bench');
await ensureDatabase(url);
await ensureSchema(url, 'ledger');
const db = new DataSource(dataSourceOptions(url, LEDGER_PERSISTENCE, 4));
await db.initialize();

const origin = `bench.verity.local/${Date.now()}`;
const config = {
  LEDGER_ORIGIN: origin,
  LEDGER_PARK_TIMEOUT_MS: 600_000,
  LEDGER_CHECKPOINT_INTERVAL_MS: 3_600_000,
  LEDGER_SIGNING_KEY_FILE: '',
  LEDGER_KEY_NAME: 'bench.verity.local',
  VERITY_HOME: os.tmpdir() + '/verity-bench-' + process.pid,
};
const entriesRepo = new EntriesRepository(db);
const tree = new TreeService(new TreeRepository(db));
const entries = new EntriesService(entriesRepo, tree, config);
const checkpoints = new CheckpointsService(new CheckpointsRepository(db), tree, config);
const evidence = new EvidenceService(entriesRepo, tree, checkpoints);

const actor = { subject: 'bench', issuer: 'urn:bench', kind: 'agent', actingParties: [], groups: [] };
function event(i) {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/verity/gateway',
    type: 'verity.action.requested.v1',
    time: new Date().toISOString(),
    subject: 'demo-db',
    actionid: randomUUID(),
    sessionid: `bench-session-${i % 1000}`,
    actor,
    data: {
      connection: 'demo-db',
      operation: 'sql.query',
      payload: { sql: `SELECT id, email FROM customers WHERE id = ${i}`, params: [] },
      payloadDigest: 'a'.repeat(64),
      agent: { step: 1, thought: 'benchmark' },
    },
  };
}

async function appendMany(count) {
  const started = performance.now();
  const rows = [];
  for (let done = 0; done < count; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - done) }, (_, k) => event(done + k));
    const results = await entries.appendBatch(batch);
    for (const r of results) if (r.outcome === 'appended') rows.push(...r.entries);
  }
  return { seconds: (performance.now() - started) / 1000, rows };
}

const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);

// 1. ledger appends
const ledger = await appendMany(EVENTS);
const ledgerRate = EVENTS / ledger.seconds;
console.log(
  `ledger append: ${EVENTS} events in ${ledger.seconds.toFixed(2)} s = ${ledgerRate.toFixed(0)} events/s (batch ${BATCH})`,
);

// 2. plain batched INSERT of the same rows, same batch size
await db.query(`DROP TABLE IF EXISTS public.bench_plain_entries`);
await db.query(
  `CREATE TABLE public.bench_plain_entries (LIKE ledger.entries INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
);
await db.query(`ALTER TABLE public.bench_plain_entries ADD PRIMARY KEY (origin, index)`);
const plainStarted = performance.now();
for (let i = 0; i < ledger.rows.length; i += BATCH) {
  const chunk = ledger.rows.slice(i, i + BATCH);
  const params = [];
  const tuples = chunk.map((r, k) => {
    params.push(
      r.origin,
      r.index,
      r.eventId,
      r.eventType,
      r.actionId,
      r.sessionId,
      r.sessionSeq,
      r.entry,
      r.leafHash,
      JSON.stringify(r.payload),
      r.payloadSha256,
    );
    const o = k * 11;
    return `(${Array.from({ length: 11 }, (_, j) => `$${o + j + 1}`).join(',')})`;
  });
  await db.query(
    `INSERT INTO public.bench_plain_entries (origin, index, event_id, event_type, action_id, session_id, session_seq, entry, leaf_hash, payload, payload_sha256) VALUES ${tuples.join(',')}`,
    params,
  );
}
const plainSeconds = (performance.now() - plainStarted) / 1000;
const plainRate = EVENTS / plainSeconds;
await db.query(`DROP TABLE public.bench_plain_entries`);
console.log(
  `plain batched INSERT of the same rows: ${plainRate.toFixed(0)} rows/s; ledger/plain = ${(ledgerRate / plainRate).toFixed(2)}`,
);

// 3. offline verification of an evidence bundle of those entries
await checkpoints.sign();
const bundle = await evidence.export(0, { from: 0 });
const bundleJson = JSON.stringify(bundle);
const parsed = JSON.parse(bundleJson);
const verifyStarted = performance.now();
const report = verifyBundle(parsed, { pinnedKeys: [checkpoints.key.verifierKey] });
const verifySeconds = (performance.now() - verifyStarted) / 1000;
if (!report.ok) throw new Error(`bundle did not verify: ${JSON.stringify(report.failures.slice(0, 3))}`);
console.log(
  `offline verification: ${report.entries} entries in ${verifySeconds.toFixed(2)} s = ${(report.entries / verifySeconds).toFixed(0)} entries/s ` +
    `(bundle ${(bundleJson.length / 2 ** 20).toFixed(1)} MiB)`,
);

// 4. inclusion proof latency at --proof-size entries. The append path was measured above; to
// reach 1M entries in minutes the log is grown with set-based INSERTs of small synthetic entries
// (leaf = SHA-256(0x00 || entry) computed by PostgreSQL) and their tree nodes (computed here),
// then signed: the signer checks consistency with the earlier checkpoint from the stored tree.
const size0 = (await checkpoints.latest()).size;
if (PROOF_SIZE > size0) {
  const growStarted = performance.now();
  const STEP = 50_000;
  for (let from = size0; from < PROOF_SIZE; from += STEP) {
    const to = Math.min(PROOF_SIZE, from + STEP);
    await db.query(
      `INSERT INTO ledger.entries (origin, index, event_id, event_type, action_id, session_id, session_seq, entry, leaf_hash, payload, payload_sha256)
       SELECT $1, i, gen_random_uuid(), 'bench.synthetic', gen_random_uuid(), 'bench-seed-' || i, 0, e,
              encode(sha256('\\x00'::bytea || convert_to(e, 'UTF8')), 'hex'), '{}'::jsonb, repeat('0', 64)
         FROM (SELECT i, '{"bench":' || i || '}' AS e FROM generate_series($2::bigint, $3::bigint - 1) AS i) s`,
      [origin, from, to],
    );
  }
  await db.transaction(async (tx) => {
    const log = await entriesRepo.lockLog(tx, origin);
    log.size = PROOF_SIZE;
    await tree.extend(tx, log, []);
    await entriesRepo.saveState(tx, log);
  });
  console.log(
    `seeded the log to ${PROOF_SIZE} entries (entries + tree nodes) in ${((performance.now() - growStarted) / 1000).toFixed(1)} s`,
  );
}
const cp = await checkpoints.sign();
const root = Buffer.from(cp.rootHash, 'base64');
const samples = [];
for (let i = 0; i < 500; i++) {
  const index = Math.floor(Math.random() * cp.size);
  const started = performance.now();
  const proof = await tree.inclusionProof(origin, index, cp.size);
  samples.push(performance.now() - started);
  const leaf = (await entriesRepo.findByIndex(origin, index)).leafHash;
  if (!verifyInclusion(index, cp.size, Buffer.from(leaf, 'hex'), proof, root))
    throw new Error(`proof for ${index} failed`);
}
samples.sort((a, b) => a - b);
console.log(
  `inclusion proof from the stored tree at ${cp.size} entries: p50 ${samples[250].toFixed(2)} ms, p99 ${samples[495].toFixed(2)} ms (500 random leaves, each verified)`,
);
await db.destroy();
void ms;
void generateKeyPairSync;
