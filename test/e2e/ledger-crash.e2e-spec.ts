/**
 * The ledger process is killed (SIGKILL) while it appends under load, then restarted: the log
 * must hold every produced event exactly once, and each shard's evidence export must pass the
 * offline verifier (`scripts/verify.mjs`, run as its own process).
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ActionDenied, ActorV1, createEvent, EventEnvelope, LEDGERED_EVENTS, newId } from '@verity/contracts';
import { REPO_ROOT, testDatabaseUrl, testKafkaBrokers, waitFor } from '@verity/testing';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';

jest.setTimeout(240_000);

const actor: ActorV1 = { subject: 'crash-test', issuer: 'urn:test', kind: 'agent', actingParties: [], groups: [] };
interface Shard {
  shard: number;
  origin: string;
  size: number;
}

describe('ledger crash under load', () => {
  const run = newId();
  const origin = `verity.test/crash-${run}`;
  const group = `ledger.crash-${run}`;
  const port = Number(process.env.E2E_BASE_PORT ?? 18080) + 7;
  const base = `http://127.0.0.1:${port}`;
  const home = mkdtempSync(path.join(tmpdir(), 'verity-ledger-crash-'));
  const output: string[] = [];
  let ledger: ChildProcess | undefined;
  let producer: Producer;
  let db: Client;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: testDatabaseUrl(),
    KAFKA_BROKERS: testKafkaBrokers(),
    VERITY_HOME: home,
    LOG_LEVEL: 'warn',
    LEDGER_PORT: String(port),
    LEDGER_ORIGIN: origin,
    // A group of its own, so no other ledger shares its partitions; it starts at the topics' ends
    // through offsets stored for it beforehand (see beforeAll), not at the beginning of history.
    LEDGER_CONSUMER_GROUP: group,
    LEDGER_CHECKPOINT_INTERVAL_MS: '300',
    // Nothing reads this log's announcements; without them its load stays out of the audit group.
    LEDGER_ANNOUNCE: 'false',
  };

  const startLedger = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/apps/ledger/src/main.js')], {
      env,
      cwd: REPO_ROOT,
    });
    child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`ledger exited:\n${output.join('').slice(-3000)}`);
        return (await fetch(`${base}/health/ready`).catch(() => undefined))?.ok === true;
      },
      { timeoutMs: 60_000, what: 'the ledger to be ready' },
    );
    return child;
  };

  const ledgered = async (): Promise<number> => {
    const [{ n }] = (
      await db.query(`SELECT count(*)::int AS n FROM ledger.entries WHERE origin = $1 OR origin LIKE $2`, [
        origin,
        `${origin}/shard-%`,
      ])
    ).rows as Array<{ n: number }>;
    return n;
  };

  beforeAll(async () => {
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    const kafka = new Kafka({ brokers: testKafkaBrokers().split(','), logLevel: logLevel.ERROR });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    // The ledger's tables (its migrations, run the way the app runs them), then the group's
    // starting offsets: the current ends of the ledgered topics, stored where the ledger resumes from.
    const migrate = `
      const { DataSource } = require('typeorm');
      const { dataSourceOptions, ensureSchema } = require('./dist/libs/persistence/src/index.js');
      const { LEDGER_PERSISTENCE } = require('./dist/apps/ledger/src/ledger.module.js');
      (async () => {
        await ensureSchema(process.env.DATABASE_URL, 'ledger');
        const db = new DataSource(dataSourceOptions(process.env.DATABASE_URL, LEDGER_PERSISTENCE, 1));
        await db.initialize();
        await db.destroy();
      })().catch((err) => { console.error(err); process.exit(1); });`;
    execFileSync(process.execPath, ['-e', migrate], { cwd: REPO_ROOT, env, stdio: 'inherit' });
    const admin = kafka.admin();
    await admin.connect();
    for (const def of LEDGERED_EVENTS) {
      for (const { partition, high } of await admin.fetchTopicOffsets(def.topic)) {
        await db.query(
          `INSERT INTO ledger.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)`,
          [group, def.topic, partition, high],
        );
      }
    }
    await admin.disconnect();
    ledger = await startLedger();
  }, 180_000);

  afterAll(async () => {
    if (ledger && ledger.exitCode === null) {
      ledger.kill('SIGTERM');
      await new Promise((r) => ledger?.once('exit', r));
    }
    await producer?.disconnect();
    await db?.end();
  });

  it('has every event exactly once after a SIGKILL mid-batch, and each shard verifies', async () => {
    // 3,000 denied events over 200 sessions (a topic only the ledger consumes, so the load does not
    // reach other services on the same broker), spread over every ledgered partition, plus a few
    // messages that are not events at all.
    const events: Array<EventEnvelope<object>> = Array.from({ length: 3_000 }, (_, i) =>
      createEvent(ActionDenied, {
        source: '/verity/gateway',
        actionId: newId(),
        sessionId: `crash-${run}-${i % 200}`,
        actor,
        data: { reasons: [`crash test ${i}`], policyIds: ['p1'] },
      }),
    );
    const send = async (chunk: Array<EventEnvelope<object>>, garbage: boolean) => {
      const messages = chunk.map((e) => ({ key: e.sessionid, value: JSON.stringify(e) }));
      if (garbage) messages.push({ key: `crash-${run}-0`, value: '{"not": an event' });
      await producer.send({ topic: ActionDenied.topic, messages });
    };

    // Produce in chunks while the ledger appends; kill it once part of the load is in the log.
    let sent = 0;
    const producing = (async () => {
      for (let i = 0; i < events.length; i += 200) {
        await send(events.slice(i, i + 200), i % 1_000 === 0);
        sent = i + 200;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await waitFor(async () => (await ledgered()) >= 800, {
      timeoutMs: 120_000,
      what: 'part of the load to be ledgered',
    });
    const before = await ledgered();
    ledger?.kill('SIGKILL');
    await new Promise((r) => ledger?.once('exit', r));
    expect(before).toBeLessThan(events.length); // killed mid-load
    expect(sent).toBeGreaterThan(0);

    ledger = await startLedger();
    await producing;
    const ids = events.map((e) => e.id);
    const counts = await waitFor(
      async () => {
        const rows = (
          await db.query(
            `SELECT event_id, count(*)::int AS n FROM ledger.entries WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
            [ids],
          )
        ).rows as Array<{ event_id: string; n: number }>;
        return rows.length === ids.length && rows;
      },
      { timeoutMs: 120_000, what: 'every produced event to be ledgered' },
    );
    expect(counts.filter((r) => r.n !== 1)).toEqual([]); // (also a unique index)

    // Every shard of this ledger: signed, exported, verified offline by the CLI against the pinned key.
    const key = ((await (await fetch(`${base}/v1/ledger/public-key`)).json()) as { verifierKey: string }).verifierKey;
    const keyFile = path.join(home, 'ledger.key');
    writeFileSync(keyFile, key);
    const { shards } = (await (await fetch(`${base}/v1/ledger/shards`)).json()) as { shards: Shard[] };
    let total = 0;
    const files: string[] = [];
    for (const { shard } of shards) {
      const signed = await fetch(`${base}/v1/ledger/checkpoint?shard=${shard}`, { method: 'POST' });
      expect(signed.status).toBe(200);
      // Shard 0 as one JSON document, the others as lines (checked by the verifier's worker threads).
      const lines = shard > 0;
      const res = await fetch(`${base}/v1/ledger/evidence?shard=${shard}${lines ? '&format=lines' : ''}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const indices = lines
        ? text
            .trimEnd()
            .split('\n')
            .slice(1)
            .map((line) => (JSON.parse(line) as number[])[0])
        : (JSON.parse(text) as { entries: Array<{ index: number }> }).entries.map((e) => e.index);
      expect(indices).toEqual(Array.from({ length: indices.length }, (_, i) => i));
      total += indices.length;
      files.push(path.join(home, `bundle-${shard}.${lines ? 'jsonl' : 'json'}`));
      writeFileSync(files[files.length - 1], text);
    }
    expect(shards.length).toBeGreaterThan(1);
    // One verifier run over every shard's bundle; it exits non-zero if any check of any bundle fails.
    const verify = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/verify.mjs'), ...args, '--key-file', keyFile], {
        encoding: 'utf8',
      });
    const verdict = verify(...files);
    expect(verdict.status).toBe(0);
    expect(verdict.stdout.trim().split('\n')).toEqual(files.map(() => expect.stringMatching(/^OK /)));
    // One payload changed in the last shard's lines: exit 1, naming the entry and the file.
    const last = files[files.length - 1];
    const tampered = path.join(home, 'tampered.jsonl');
    const genuine = readFileSync(last, 'utf8');
    const altered = genuine.replace(/"reasons":\["crash test (\d+)"\]/, '"reasons":["crash test $1 (edited)"]');
    expect(altered).not.toEqual(genuine);
    writeFileSync(tampered, altered);
    const failed = verify(files[0], tampered);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^FAIL payload at index \d+: payload does not match the digest in its entry$/m);
    expect(failed.stdout).toContain(`[${tampered}]`);
    expect(total).toBe(await ledgered());
    expect(total).toBeGreaterThanOrEqual(events.length);
  });
});
