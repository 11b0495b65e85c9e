#!/usr/bin/env node
// Ledger benchmark against the local PostgreSQL (database verity_bench, its own log origin per run)
// and, for the Kafka run, the broker at KAFKA_BROKERS.
//   npm run bench:ledger -- [--events 50000] [--batch 1000] [--shards 3] [--kafka-events 30000] [--proof-size 1000000]
// Measures, in one run:
//  1. sustained appends through the ledger's real append path (EntriesService.appendBatch: exactly
//     once, causal order, session sequences, Merkle tree update) in batches of --batch, into one
//     shard's log, then into --shards shard logs side by side (one writer per shard, as one ledger
//     consumer per partition does);
//  2. a plain batched INSERT (multi-row VALUES) of the same rows into a table of the same shape,
//     and the ratios;
//  3. end to end through Kafka (--kafka-events > 0): that many events produced to the ledgered
//     topics first, then the ledger's own batch consumer (EntriesConsumer: a fresh group whose
//     stored offsets start at the topics' ends, one transaction per batch, contract validation,
//     LedgerAppended announcements) timed until all are in;
//  4. offline verification of the evidence of the logs of step 1 (each shard's bundle, as lines and
//     as JSON) by `npm run verify` as a whole process, also with the lines bundles listed five
//     times over (each verified on its own) to show the rate once start-up is paid;
//  5. inclusion proof latency read from the stored tree once the log holds --proof-size entries
//     (the log is grown to that size first, which takes a while at 1M).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ensureBuilt } from './build-once.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '1000' },
    shards: { type: 'string', default: '3' },
    'kafka-events': { type: 'string', default: '0' },
    'proof-size': { type: 'string', default: '0' },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const SHARDS = Number(values.shards);
const KAFKA_EVENTS = Number(values['kafka-events']);
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
const { verifyInclusion } = require('../dist/libs/merkle/src/index.js');
const { v7: uuidv7 } = require('uuid');

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
    id: uuidv7(),
    source: '/verity/gateway',
    type: 'verity.action.requested.v1',
    time: new Date().toISOString(),
    subject: 'demo-db',
    datacontenttype: 'application/json',
    actionid: uuidv7(),
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

/** Appends `count` events in batches of BATCH, spread over `shards` logs written side by side. */
async function appendMany(count, shards, firstShard = 0) {
  const started = performance.now();
  const rows = [];
  await Promise.all(
    Array.from({ length: shards }, async (_, s) => {
      for (let done = s * BATCH; done < count; done += BATCH * shards) {
        const batch = Array.from({ length: Math.min(BATCH, count - done) }, (_, k) => event(done + k));
        const results = await entries.appendBatch(batch, firstShard + s);
        for (const r of results) if (r.outcome === 'appended') rows.push(...r.entries);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, rows };
}

console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);

console.log(
  `load average before: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (the machine is shared)`,
);

// 1. ledger appends: one shard's log (the log measured below), then SHARDS logs side by side
const ledger = await appendMany(EVENTS, 1);
const ledgerRate = EVENTS / ledger.seconds;
console.log(
  `ledger append, 1 shard: ${EVENTS} events in ${ledger.seconds.toFixed(2)} s = ${ledgerRate.toFixed(0)} events/s (batch ${BATCH})`,
);
let shardedRate;
if (SHARDS > 1) {
  const sharded = await appendMany(EVENTS, SHARDS, 1);
  shardedRate = EVENTS / sharded.seconds;
  console.log(
    `ledger append, ${SHARDS} shards side by side: ${EVENTS} events in ${sharded.seconds.toFixed(2)} s = ${shardedRate.toFixed(0)} events/s`,
  );
}

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
      r.payloadText,
      r.payloadSha256,
      r.payloadText,
    );
    const o = k * 12;
    return `(${Array.from({ length: 12 }, (_, j) => `$${o + j + 1}`).join(',')})`;
  });
  await db.query(
    `INSERT INTO public.bench_plain_entries (origin, index, event_id, event_type, action_id, session_id, session_seq, entry, leaf_hash, payload, payload_sha256, payload_text) VALUES ${tuples.join(',')}`,
    params,
  );
}
const plainSeconds = (performance.now() - plainStarted) / 1000;
const plainRate = EVENTS / plainSeconds;
await db.query(`DROP TABLE public.bench_plain_entries`);
console.log(
  `plain batched INSERT of the same rows: ${plainRate.toFixed(0)} rows/s; ledger/plain = ${(ledgerRate / plainRate).toFixed(2)} (1 shard)` +
    (shardedRate ? `, ${(shardedRate / plainRate).toFixed(2)} (${SHARDS} shards)` : ''),
);

// 3. end to end through Kafka: produce first, then time the ledger's own consumer draining it
if (KAFKA_EVENTS > 0) await kafkaRun(KAFKA_EVENTS);

/** Topic offsets; right after the topics were created a partition may still be without a leader. */
async function fetchOffsets(admin, topic) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (!err.retriable || attempt === 10) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function kafkaRun(count) {
  const { Kafka, logLevel, Partitioners } = require('kafkajs');
  const { EventPublisher } = require('../dist/libs/kafka/src/index.js');
  const { TopicAdmin } = require('../dist/libs/kafka/src/topic-admin.js');
  const { ActionDenied } = require('../dist/libs/contracts/src/index.js');
  const { EntriesConsumer } = require('../dist/apps/ledger/src/entries/entries.consumer.js');
  const { PublicationService } = require('../dist/apps/ledger/src/publication/publication.service.js');
  const kafka = new Kafka({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.ERROR,
  });
  // A fresh broker has no topics until a service starts; create them as the services would.
  await new TopicAdmin(kafka).ensureTopics(SHARDS);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const kafkaOrigin = `${origin}/kafka`;
  const group = `ledger.bench-${Date.now()}`;
  // The fresh group starts at the topics' current ends, through the ledger's own mechanism:
  // offsets stored in ledger.consumer_offsets, where the consumer resumes on assignment.
  const { LEDGERED_EVENTS } = require('../dist/libs/contracts/src/index.js');
  const admin = kafka.admin();
  await admin.connect();
  for (const def of LEDGERED_EVENTS) {
    for (const { partition, high } of await fetchOffsets(admin, def.topic)) {
      await db.query(
        `INSERT INTO ledger.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)`,
        [group, def.topic, partition, high],
      );
    }
  }
  await admin.disconnect();
  const ids = [];
  for (let done = 0; done < count; done += 2_000) {
    // Denied events: a ledgered topic nothing but the ledger consumes, so the benchmark's load
    // does not reach other services sharing the broker.
    const messages = Array.from({ length: Math.min(2_000, count - done) }, (_, k) => {
      const e = { ...event(done + k), type: ActionDenied.type, data: { reasons: ['benchmark'], policyIds: ['p1'] } };
      ids.push(e.id);
      return { key: e.sessionid, value: JSON.stringify(e) };
    });
    await producer.send({ topic: ActionDenied.topic, messages });
  }
  await producer.disconnect();
  const kafkaConfig = { ...config, LEDGER_ORIGIN: kafkaOrigin, LEDGER_CONSUMER_GROUP: group };
  const kafkaEntries = new EntriesService(entriesRepo, tree, kafkaConfig);
  const publisher = new EventPublisher(kafka);
  const publication = new PublicationService(entriesRepo, publisher, kafkaConfig);
  // No readiness endpoint here, so nothing needs to track the consumer.
  const readiness = { track: () => undefined };
  const consumer = new EntriesConsumer(kafkaEntries, publication, publisher, kafka, kafkaConfig, readiness);
  const count0 = async () =>
    Number((await db.query(`SELECT count(*) AS n FROM ledger.entries WHERE event_id = ANY($1::uuid[])`, [ids]))[0].n);
  const started = performance.now();
  await consumer.start();
  let firstAt;
  for (;;) {
    const n = await count0();
    if (n > 0 && firstAt === undefined) firstAt = performance.now();
    if (n >= count) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (performance.now() - started) / 1000;
  const steady = (performance.now() - firstAt) / 1000;
  await consumer.onModuleDestroy();
  await publication.onModuleDestroy();
  await publisher.onApplicationShutdown();
  const logs = await db.query(`SELECT origin, size FROM ledger.log_state WHERE origin LIKE $1 ORDER BY origin`, [
    `${kafkaOrigin}%`,
  ]);
  console.log(
    `end to end through Kafka (the ledger's batch consumer, fresh group, ${logs.length} shard logs: ${logs.map((l) => l.size).join(' + ')}): ` +
      `${count} events in ${seconds.toFixed(2)} s from consumer start = ${(count / seconds).toFixed(0)} events/s ` +
      `(${(count / steady).toFixed(0)} events/s from the first append, after the group join)`,
  );
}

// 4. offline verification of the evidence of those logs: shard 0 (EVENTS entries) and the SHARDS
// shard logs (EVENTS entries together), signed and exported the way GET /v1/ledger/evidence does.
const { bundleLines } = require('../dist/apps/ledger/src/evidence/bundle-lines.js');
const { shardOrigin } = require('../dist/apps/ledger/src/shards/shard.js');
const shardsToExport = SHARDS > 1 ? Array.from({ length: SHARDS + 1 }, (_, s) => s) : [0];
const dir = mkdtempSync(path.join(os.tmpdir(), 'verity-bench-evidence-'));
const keyFile = path.join(dir, 'ledger.key');
writeFileSync(keyFile, checkpoints.key.verifierKey);
const files = { json: [], lines: [] };
for (const shard of shardsToExport) {
  await checkpoints.sign(shardOrigin(origin, shard));
  const bundle = await evidence.export(shard, { from: 0 });
  files.json.push(path.join(dir, `shard-${shard}.json`));
  writeFileSync(files.json.at(-1), JSON.stringify(bundle));
  files.lines.push(path.join(dir, `shard-${shard}.jsonl`));
  writeFileSync(files.lines.at(-1), [...bundleLines(bundle)].join(''));
}
/** Best of 3 runs of `npm run verify` (a fresh process: start-up, worker threads, reading the files). */
function best(list) {
  let seconds = Infinity;
  let entries = 0;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const out = execFileSync(process.execPath, ['scripts/verify.mjs', ...list, '--key-file', keyFile], {
      encoding: 'utf8',
    });
    seconds = Math.min(seconds, (performance.now() - started) / 1000);
    entries = [...out.matchAll(/^OK .*\((\d+) entries,/gm)].reduce((n, m) => n + Number(m[1]), 0);
  }
  return `${entries} entries in ${seconds.toFixed(2)} s = ${(entries / seconds).toFixed(0)} entries/s`;
}
const logs = `${shardsToExport.length} shard log${shardsToExport.length > 1 ? 's' : ''}`;
console.log('offline verification, npm run verify as a whole process (best of 3):');
console.log(`  lines bundles of ${logs}: ${best(files.lines)}`);
console.log(`  the same listed 5 times over, in one run: ${best(Array(5).fill(files.lines).flat())}`);
console.log(`  JSON bundles of ${logs}: ${best(files.json)}`);
rmSync(dir, { recursive: true });

// 5. inclusion proof latency at --proof-size entries. The append path was measured above; to
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
  await db.query(
    `INSERT INTO ledger.publication (origin, next_index) VALUES ($1, $2) ON CONFLICT (origin) DO UPDATE SET next_index = EXCLUDED.next_index`,
    [origin, PROOF_SIZE],
  );
  console.log(
    `seeded the log to ${PROOF_SIZE} entries (entries + tree nodes) in ${((performance.now() - growStarted) / 1000).toFixed(1)} s`,
  );
}
const cp = await checkpoints.sign();
const root = Buffer.from(cp.rootHash, 'base64');
const samples = [];
for (let i = 0; i < 1000; i++) {
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
  `inclusion proof from the stored tree at ${cp.size} entries: p50 ${samples[500].toFixed(2)} ms, p99 ${samples[990].toFixed(2)} ms, max ${samples[999].toFixed(2)} ms (1000 random leaves, each verified)`,
);
console.log(
  `load average after: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
await db.destroy();
