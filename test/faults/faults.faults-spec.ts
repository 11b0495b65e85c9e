/**
 * Fault injection under a steady stream of real actions (POST /v1/actions on the demo target),
 * one fault per scenario: kill -9 and restart of each app, a Kafka broker restart, a PostgreSQL
 * restart, and a consumer paused past its session timeout. After each scenario: every action the
 * gateway gave an id has exactly one outcome in the ledger, the ledger holds each event once with
 * no index gap and its evidence verifies offline, the audit projection catches up with the ledger
 * within 10 s, and every answer the agents got was a clean one (2xx, or an error with a stable
 * code; no 500, no hang past the client timeout).
 *
 * Runs only through `npm run test:faults` (scripts/faults.mjs), which provides a broker and a
 * PostgreSQL cluster that nothing else uses: these scenarios restart both.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import {
  AppName,
  REPO_ROOT,
  RunningPlatform,
  startPlatform,
  testDatabaseUrl,
  testKafkaBrokers,
  waitFor,
} from '@verity/testing';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

jest.setTimeout(600_000);
const exec = promisify(execFile);

const ACTIONS = Number(process.env.FAULTS_ACTIONS ?? 400);
const RATE = Number(process.env.FAULTS_RATE ?? 10);
/** An agent's patience: well above the gateway's own bounds (decision 5 s + statement 10 s + masking 5 s); later is a hang. */
const CLIENT_TIMEOUT_MS = 60_000;
const CONVERGE_MS = 10_000;
const OUTCOME_TYPES = ['verity.action.executed.v1', 'verity.action.failed.v1', 'verity.action.denied.v1'];
const CODE = /^[A-Z][A-Z_]*\.[A-Z][A-Z_]*$/;

const pgCtl = JSON.parse(process.env.FAULTS_PG_CTL ?? 'null') as string[] | null;
const kafkaHome = process.env.FAULTS_KAFKA_HOME;
const reportFile = process.env.FAULTS_REPORT;

/** What one request got. */
interface Answer {
  status?: number;
  code?: string;
  actionId?: string;
  /** refused: nothing listened (app down); dropped: the connection broke mid-request; hang: client timeout. */
  transport?: 'refused' | 'dropped' | 'hang';
  ms: number;
}

interface Row {
  scenario: string;
  sent: number;
  accepted: number;
  codes: Record<string, number>;
  noAnswer: number;
  violatingAnswers: number;
  withActionId: number;
  withOutcome: number;
  /** Refused with 503 EVENTS.UNAVAILABLE and no trail at all: the intent never reached the log, so nothing ran. */
  refusedUnlogged: number;
  orphans: number;
  duplicates: number;
  gaps: number;
  verified: boolean;
  convergedMs: number | null;
  violations: string[];
}

interface Scenario {
  name: string;
  /** The fault, from injection to recovery; runs while the load goes on. */
  inject(): Promise<void>;
  /** Connections broken mid-request are expected (the gateway itself died). */
  gatewayDies?: boolean;
}

describe('fault injection under load', () => {
  let platform: RunningPlatform;
  let db: Pool;
  let admin: Admin;
  let token: string;
  const run = newId().slice(-8);
  const rows: Row[] = [];
  const work = mkdtempSync(path.join(tmpdir(), 'verity-faults-evidence-'));

  const killAndRestart = (app: AppName) => async () => {
    await platform.signal(app, 'SIGKILL');
    await platform.restart(app);
  };

  const restartKafka = async () => {
    const env = { KAFKA_START_TIMEOUT: '240', ...process.env, VERITY_HOME: kafkaHome };
    const script = path.join(REPO_ROOT, 'deploy/kafka/kafka-local.sh');
    await exec('bash', [script, 'stop'], { env });
    await exec('bash', [script, 'start'], { env });
    await waitForAllReady();
  };

  const restartPostgres = async () => {
    const [cmd, ...args] = pgCtl as string[];
    // An immediate stop is a crash for PostgreSQL: it recovers from its WAL on start. The server
    // logs to a file: left on pg_ctl's output, it would hold exec's pipes open, and exec never returns.
    await exec(cmd, [
      ...args,
      'restart',
      '-m',
      'immediate',
      '-w',
      '-t',
      '60',
      '-l',
      process.env.FAULTS_PG_LOG as string,
    ]);
    await waitForAllReady();
  };

  /** SIGSTOP past the 10 s session timeout: the broker drops it from its group, which rebalances. */
  const pause = (app: AppName, group: string) => async () => {
    process.kill(platform.pid(app), 'SIGSTOP');
    try {
      await waitFor(async () => (await admin.describeGroups([group])).groups[0].members.length === 0, {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: `${group} to lose its paused member`,
      });
    } finally {
      process.kill(platform.pid(app), 'SIGCONT');
    }
    await waitFor(async () => (await admin.describeGroups([group])).groups[0].members.length > 0, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: `${group} to take its member back`,
    });
  };

  /** Every app answers /health/ready with 200; a timeout names the apps that did not, with their checks. */
  const waitForAllReady = () =>
    waitFor(
      async () => {
        const notReady: string[] = [];
        for (const [app, url] of Object.entries(platform.url)) {
          const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
          if (!res.ok) notReady.push(`${app} ${res.status} ${await res.text()}`);
        }
        if (notReady.length > 0) throw new Error(notReady.join('; '));
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'every app to be ready again' },
    );

  const scenarios: Scenario[] = [
    { name: 'no fault (baseline)', inject: async () => undefined },
    { name: 'kill -9 gateway', inject: killAndRestart('gateway'), gatewayDies: true },
    { name: 'kill -9 policy', inject: killAndRestart('policy') },
    { name: 'kill -9 masking', inject: killAndRestart('masking') },
    { name: 'kill -9 ledger', inject: killAndRestart('ledger') },
    { name: 'kill -9 audit', inject: killAndRestart('audit') },
    { name: 'restart Kafka broker', inject: restartKafka },
    { name: 'restart PostgreSQL', inject: restartPostgres },
    { name: 'pause policy past its session timeout', inject: pause('policy', 'policy.decisions') },
  ];

  beforeAll(async () => {
    if (!pgCtl || !kafkaHome || !reportFile) {
      throw new Error(
        'run the fault scenarios with `npm run test:faults`: they need a broker and a cluster of their own',
      );
    }
    admin = new Kafka({ brokers: testKafkaBrokers().split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // A fresh broker answers before its group coordinator does; the apps start once it does.
    await waitFor(async () => (await admin.describeGroups(['faults.warm-up'])).groups.length === 1, {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      what: 'the broker to coordinate consumer groups',
    });
    platform = await startPlatform({
      env: { LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn' },
      readyTimeoutMs: 240_000, // a fresh broker elects its partitions' leaders slowly on a loaded machine
    });
    db = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    db.on('error', () => undefined); // the PostgreSQL restart breaks idle connections
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    token = await issuer.mint({ sub: `faults-${run}`, groups: ['analysts'], ttlSeconds: 3 * 3600 });
  }, 600_000);

  afterAll(async () => {
    await admin?.disconnect();
    await db?.end();
    await platform?.stop();
    rmSync(work, { recursive: true, force: true });
    // The apps' logs, for a look at what happened in a failed scenario.
    const logs = path.join(REPO_ROOT, 'test-artifacts/faults');
    mkdirSync(logs, { recursive: true });
    for (const [app, lines] of Object.entries(platform?.output ?? {}))
      writeFileSync(path.join(logs, `${app}.log`), lines.join(''));
  });

  /** One action: mostly reads that run, some statements policy denies, some on a target that is down. */
  const act = async (i: number, session: string): Promise<Answer> => {
    const kind = i % 20;
    const body = {
      connection: kind === 19 ? 'down-db' : 'demo-db',
      operation: 'sql.query',
      input: {
        sql: kind === 9 || kind === 18 ? 'DROP TABLE customers' : 'SELECT id, email FROM customers ORDER BY id LIMIT 3',
      },
      sessionId: session,
      agent: { step: i, thought: `fault-injection load, action ${i}`, tool: 'sql', model: 'faults' },
    };
    const started = Date.now();
    try {
      const res = await fetch(`${platform.url.gateway}/v1/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      const json = (await res.json().catch(() => ({}))) as {
        actionId?: string;
        error?: { code?: string; details?: { actionId?: string } };
      };
      return {
        status: res.status,
        code: json.error?.code,
        actionId: json.actionId ?? json.error?.details?.actionId,
        ms: Date.now() - started,
      };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const transport = e.name === 'TimeoutError' ? 'hang' : e.cause?.code === 'ECONNREFUSED' ? 'refused' : 'dropped';
      return { transport, ms: Date.now() - started };
    }
  };

  /** Sends `ACTIONS` actions at `RATE` per second (open loop: the schedule does not wait for answers). */
  const drive = async (prefix: string, faultAfter: number, fault: () => Promise<void>) => {
    const answers: Array<Promise<Answer>> = [];
    let faultDone: Promise<void> | undefined;
    const started = Date.now();
    for (let i = 0; i < ACTIONS; i++) {
      const due = started + (i * 1000) / RATE;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (i === faultAfter) faultDone = fault();
      answers.push(act(i, `${prefix}-${i % 40}`));
    }
    await faultDone;
    return Promise.all(answers);
  };

  const ledgerCounts = async (ids: string[]) =>
    (
      await db.query<{ action_id: string; outcomes: number; intents: number }>(
        `SELECT action_id, count(*) FILTER (WHERE event_type = ANY($2))::int AS outcomes,
                count(*) FILTER (WHERE event_type = 'verity.action.requested.v1')::int AS intents
           FROM ledger.entries WHERE action_id = ANY($1::uuid[]) GROUP BY action_id`,
        [ids, OUTCOME_TYPES],
      )
    ).rows;

  /** Exports each shard's evidence and runs the offline verifier (scripts/verify.mjs) over all. */
  const verifyLedger = async (): Promise<boolean> => {
    const base = platform.url.ledger;
    const key = ((await (await fetch(`${base}/v1/ledger/public-key`)).json()) as { verifierKey: string }).verifierKey;
    const keyFile = path.join(work, 'ledger.key');
    writeFileSync(keyFile, key);
    const { shards } = (await (await fetch(`${base}/v1/ledger/shards`)).json()) as { shards: Array<{ shard: number }> };
    const files: string[] = [];
    for (const { shard } of shards) {
      expect((await fetch(`${base}/v1/ledger/checkpoint?shard=${shard}`, { method: 'POST' })).status).toBe(200);
      const res = await fetch(`${base}/v1/ledger/evidence?shard=${shard}`);
      expect(res.status).toBe(200);
      files.push(path.join(work, `bundle-${shard}.json`));
      writeFileSync(files[files.length - 1], Buffer.from(await res.arrayBuffer()));
    }
    const { stdout } = await exec(
      process.execPath,
      [path.join(REPO_ROOT, 'scripts/verify.mjs'), ...files, '--key-file', keyFile],
      { maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const lines = stdout.trim().split('\n');
    return shards.length > 0 && lines.length === files.length && lines.every((l) => l.startsWith('OK '));
  };

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const prefix = `faults-${run}-${rows.length}`;
    await waitForAllReady();
    const answers = await drive(prefix, Math.floor(ACTIONS / 4), scenario.inject);
    await waitForAllReady();

    const row: Row = {
      scenario: scenario.name,
      sent: answers.length,
      accepted: 0,
      codes: {},
      noAnswer: 0,
      violatingAnswers: 0,
      withActionId: 0,
      withOutcome: 0,
      refusedUnlogged: 0,
      orphans: 0,
      duplicates: 0,
      gaps: 0,
      verified: false,
      convergedMs: null,
      violations: [],
    };
    rows.push(row);
    const bad: string[] = [];
    for (const a of answers) {
      if (a.status === 200 || a.status === 202) row.accepted++;
      else if (a.status !== undefined && a.status !== 500 && a.status < 600 && a.code && CODE.test(a.code))
        row.codes[`${a.status} ${a.code}`] = (row.codes[`${a.status} ${a.code}`] ?? 0) + 1;
      else if (a.transport === 'refused' || (a.transport === 'dropped' && scenario.gatewayDies)) row.noAnswer++;
      else {
        row.violatingAnswers++;
        bad.push(a.transport ?? `${a.status} ${a.code ?? 'without a code'}`);
      }
    }
    if (bad.length) row.violations.push(`unclean answers: ${[...new Set(bad)].join(', ')}`);
    const accepted = answers.filter((a) => a.status === 200 || a.status === 202);
    if (accepted.some((a) => !a.actionId)) row.violations.push('an accepted action without an id');

    // Every action the gateway named (accepted, or refused after its intent was recorded) ends
    // in exactly one outcome in the ledger.
    const ids = [...new Set(answers.flatMap((a) => (a.actionId ? [a.actionId] : [])))];
    row.withActionId = ids.length;
    let ledgered = await waitFor(
      async () => {
        const counts = await ledgerCounts(ids);
        return counts.length === ids.length && counts.every((c) => c.outcomes >= 1) && counts;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `an outcome for each of ${ids.length} actions` },
    ).catch(() => undefined);
    const ledgeredAt = Date.now();
    ledgered ??= await ledgerCounts(ids);
    row.withOutcome = ledgered.filter((c) => c.outcomes === 1).length;
    // Fail closed: an action refused with 503 EVENTS.UNAVAILABLE may have no trail at all (its
    // intent never reached the log, so it cannot have run); if its intent landed late it must
    // have its one outcome like any other.
    const inLedger = new Set(ledgered.map((c) => c.action_id));
    const refusedBeforeLog = new Set(
      answers.filter((a) => a.status === 503 && a.code === 'EVENTS.UNAVAILABLE').flatMap((a) => a.actionId ?? []),
    );
    row.refusedUnlogged = ids.filter((id) => !inLedger.has(id) && refusedBeforeLog.has(id)).length;
    if (row.withOutcome + row.refusedUnlogged !== ids.length)
      row.violations.push(`${ids.length - row.withOutcome - row.refusedUnlogged} actions without exactly one outcome`);
    const ledgeredIds = ids.filter((id) => inLedger.has(id));

    // Intents of this scenario's sessions that never got an outcome (e.g. the gateway died with them).
    const orphans = await db.query<{ action_id: string }>(
      `SELECT r.action_id FROM ledger.entries r
        WHERE r.session_id LIKE $1 AND r.event_type = 'verity.action.requested.v1'
          AND NOT EXISTS (SELECT 1 FROM ledger.entries o WHERE o.action_id = r.action_id AND o.event_type = ANY($2))`,
      [`${prefix}-%`, OUTCOME_TYPES],
    );
    row.orphans = orphans.rowCount ?? 0;
    if (row.orphans > 0 && !(scenario.gatewayDies && row.orphans <= row.noAnswer))
      row.violations.push(`${row.orphans} intents without an outcome`);

    // Each event once; each action's intent and outcome once; indices 0..size-1 in every shard.
    const dup = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM (SELECT event_id FROM ledger.entries GROUP BY event_id HAVING count(*) > 1) e)
            + (SELECT count(*) FROM (SELECT action_id FROM ledger.entries WHERE session_id LIKE $1
                 AND event_type = ANY($2) GROUP BY action_id, event_type = 'verity.action.requested.v1'
                 HAVING count(*) > 1) a) AS n`,
      [`${prefix}-%`, [...OUTCOME_TYPES, 'verity.action.requested.v1']],
    );
    row.duplicates = Number(dup.rows[0].n);
    if (row.duplicates) row.violations.push(`${row.duplicates} duplicates`);
    const gaps = await db.query<{ origin: string; n: string; lo: string; hi: string }>(
      `SELECT origin, count(*) AS n, min(index) AS lo, max(index) AS hi FROM ledger.entries GROUP BY origin`,
    );
    row.gaps = gaps.rows.reduce((sum, g) => sum + (Number(g.hi) + 1 - Number(g.n)) + (Number(g.lo) === 0 ? 0 : 1), 0);
    if (row.gaps) row.violations.push(`${row.gaps} index gaps`);

    // The audit projection holds what the ledger holds, per shard, within 10 s of the ledger.
    const converged = await waitFor(
      async () => {
        const { rows: behind } = await db.query(
          `SELECT l.origin FROM (SELECT origin, max(index) AS hi FROM ledger.entries GROUP BY origin) l
             LEFT JOIN audit.projection_state p ON p.origin = l.origin
            WHERE p.last_index IS NULL OR p.last_index < l.hi`,
        );
        if (behind.length) return false;
        const { rows: missing } = await db.query(
          `SELECT count(*)::int AS n FROM unnest($1::uuid[]) id
            WHERE NOT EXISTS (SELECT 1 FROM audit.actions a WHERE a.action_id = id
                                 AND a.status IN ('executed', 'denied', 'failed'))`,
          [ledgeredIds],
        );
        return missing[0].n === 0;
      },
      { timeoutMs: CONVERGE_MS, intervalMs: 100, what: 'the audit projection to catch up with the ledger' },
    ).catch(() => false);
    row.convergedMs = converged ? Date.now() - ledgeredAt : null;
    if (!converged) row.violations.push(`audit not converged within ${CONVERGE_MS / 1000} s`);

    row.verified = await verifyLedger();
    if (!row.verified) row.violations.push('ledger verification failed');

    writeFileSync(reportFile as string, JSON.stringify(rows, null, 2));
    expect(row.violations).toEqual([]);
  });
});
