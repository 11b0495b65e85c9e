/**
 * The ledger process is killed (SIGKILL) while it appends under load, then restarted: the log
 * must hold every produced event exactly once, and each shard's evidence export must pass the
 * offline verifier (`scripts/verify.mjs`, run as its own process).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ActionDecided, ActionRequested, ActorV1, createEvent, EventEnvelope, newId } from '@verity/contracts';
import { actionRequestedEvent, REPO_ROOT, testDatabaseUrl, testKafkaBrokers, waitFor } from '@verity/testing';
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
    // A group of its own: it reads every ledgered topic from the beginning (earlier tests' events
    // are already ledgered, so they are skipped as redeliveries) and other ledgers do not share its partitions.
    LEDGER_CONSUMER_GROUP: `ledger.crash-${run}`,
    LEDGER_CHECKPOINT_INTERVAL_MS: '300',
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
    ledger = await startLedger();
  });

  afterAll(async () => {
    if (ledger && ledger.exitCode === null) {
      ledger.kill('SIGTERM');
      await new Promise((r) => ledger?.once('exit', r));
    }
    await producer?.disconnect();
    await db?.end();
  });

  it('has every event exactly once after a SIGKILL mid-batch, and each shard verifies', async () => {
    // 6,000 requested events over 300 sessions, each fifth followed by its decided event (which
    // may arrive first: another topic), and a few messages that are not events at all.
    const events: Array<EventEnvelope<object>> = [];
    for (let i = 0; i < 6_000; i++) {
      const requested = actionRequestedEvent({
        sessionId: `crash-${run}-${i % 300}`,
        actor,
        connection: 'crash-db',
        sql: `SELECT ${i}`,
      });
      events.push(requested);
      if (i % 5 === 0) {
        events.push(
          createEvent(ActionDecided, {
            source: '/verity/policy',
            actionId: requested.actionid,
            sessionId: requested.sessionid,
            actor,
            causationId: requested.id,
            data: { decision: 'allow', reasons: ['crash test'], policyIds: [], bundleRevision: 'r1', obligations: {} },
          }),
        );
      }
    }
    const send = async (chunk: Array<EventEnvelope<object>>, garbage: boolean) => {
      const byTopic = new Map<string, Array<{ key: string; value: string }>>();
      for (const e of chunk) {
        const topic = e.type === ActionDecided.type ? ActionDecided.topic : ActionRequested.topic;
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: e.sessionid, value: JSON.stringify(e) }]);
      }
      if (garbage) byTopic.get(ActionRequested.topic)?.push({ key: `crash-${run}-0`, value: '{"not": an event' });
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    };

    // Produce in chunks while the ledger appends; kill it once part of the load is in the log.
    let sent = 0;
    const producing = (async () => {
      for (let i = 0; i < events.length; i += 300) {
        await send(events.slice(i, i + 300), i % 1_500 === 0);
        sent = i + 300;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await waitFor(async () => (await ledgered()) >= 1_500, {
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
    for (const { shard } of shards) {
      const signed = await fetch(`${base}/v1/ledger/checkpoint?shard=${shard}`, { method: 'POST' });
      expect(signed.status).toBe(200);
      const res = await fetch(`${base}/v1/ledger/evidence?shard=${shard}`);
      expect(res.status).toBe(200);
      const bundle = (await res.json()) as { manifest: { to: number }; entries: Array<{ index: number }> };
      expect(bundle.entries.map((e) => e.index)).toEqual(Array.from({ length: bundle.manifest.to }, (_, i) => i));
      total += bundle.entries.length;
      const file = path.join(home, `bundle-${shard}.json`);
      writeFileSync(file, JSON.stringify(bundle));
      const verdict = execFileSync(
        process.execPath,
        [path.join(REPO_ROOT, 'scripts/verify.mjs'), file, '--key-file', keyFile],
        {
          encoding: 'utf8',
        },
      );
      expect(verdict).toMatch(/^OK /);
    }
    expect(total).toBe(await ledgered());
    expect(total).toBeGreaterThanOrEqual(events.length);
  });
});
