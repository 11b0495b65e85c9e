#!/usr/bin/env node
// npm run test:faults: the fault-injection scenarios (test/faults), on infrastructure of their own.
//
// The scenarios kill apps, restart the Kafka broker and restart PostgreSQL, so they never run on
// the broker or the database server anything else uses: this runner creates a PostgreSQL cluster
// (initdb, trust auth, a free port, its unix socket in a temporary directory) and a Kafka broker
// (deploy/kafka/kafka-local.sh, its own VERITY_HOME and a free port pair), runs the jest project
// `faults` against them, prints the table of counts per scenario, and removes both again.
//
//   npm run test:faults                      all scenarios
//   npm run test:faults -- --doc             also writes the table into docs/reliability.md
//   npm run test:faults -- -t 'PostgreSQL'   extra arguments go to jest (here: one scenario)
//
// FAULTS_ACTIONS (default 400) actions per scenario at FAULTS_RATE (default 10) per second.
// Exit status: jest's (non-zero when any scenario found a violation or could not run).
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, root } from './build-once.mjs';

const run = promisify(execFile);
const writeDoc = process.argv.includes('--doc');
const jestArgs = process.argv.slice(2).filter((a) => a !== '--doc');
const log = (msg) => console.error(`[faults] ${msg}`);

/** A port nothing listens on (and, with `pair`, the next one too: the broker's controller). */
async function freePort(pair = false) {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address();
        srv.close(() => resolve(p));
      });
    });
    if (!pair || (port < 65535 && (await portFree(port + 1)))) return port;
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function pgBin() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, 'bin/initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries (initdb) under ${base}`);
  return path.join(base, versions[0], 'bin');
}

ensureBuilt();
const work = mkdtempSync(path.join(tmpdir(), 'verity-faults-'));
// initdb refuses to run as root: the cluster then belongs to the postgres user.
const asRoot = process.getuid?.() === 0;
const pgPrefix = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
if (asRoot) chownSync(work, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
const bin = pgBin();
const pgData = path.join(work, 'pg');
const pgPort = await freePort();
const kafkaPort = await freePort(true);
const kafkaHome = path.join(work, 'kafka-home');
const report = path.join(work, 'report.json');
const pgCtl = [...pgPrefix, path.join(bin, 'pg_ctl'), '-D', pgData];
// A loaded machine may need minutes for a broker start.
const kafkaEnv = {
  KAFKA_START_TIMEOUT: '240',
  ...process.env,
  VERITY_HOME: kafkaHome,
  KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
};
const kafkaScript = path.join(root, 'deploy/kafka/kafka-local.sh');

async function cleanUp() {
  await run('bash', [kafkaScript, 'stop'], { env: kafkaEnv }).catch((e) => log(`stopping the broker: ${e.message}`));
  if (existsSync(path.join(pgData, 'postmaster.pid')))
    await run(pgCtl[0], [...pgCtl.slice(1), 'stop', '-m', 'fast', '-w']).catch((e) =>
      log(`stopping PostgreSQL: ${e.message}`),
    );
  rmSync(work, { recursive: true, force: true });
}

let status = 1;
try {
  log(`PostgreSQL cluster in ${pgData} on 127.0.0.1:${pgPort}`);
  execFileSync(
    pgPrefix[0] ?? path.join(bin, 'initdb'),
    [
      ...pgPrefix.slice(1),
      ...(asRoot ? [path.join(bin, 'initdb')] : []),
      '-D',
      pgData,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const options = `-p ${pgPort} -k ${work} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  execFileSync(
    pgCtl[0],
    [...pgCtl.slice(1), 'start', '-w', '-t', '60', '-l', path.join(work, 'pg.log'), '-o', options],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );

  // The broker's jars come from the usual VERITY_HOME when they are there (no second download).
  const version = readFileSync(path.join(root, 'deploy/kafka/pom.xml'), 'utf8').match(
    /<kafka.version>(.*)<\/kafka.version>/,
  )[1];
  const jars = path.join(process.env.VERITY_HOME ?? path.join(root, '.verity'), 'kafka', version, 'libs');
  if (existsSync(path.join(jars, '.complete'))) {
    mkdirSync(path.join(kafkaHome, 'kafka', version), { recursive: true });
    symlinkSync(jars, path.join(kafkaHome, 'kafka', version, 'libs'));
  }
  log(`Kafka broker in ${kafkaHome} on 127.0.0.1:${kafkaPort}`);
  execFileSync('bash', [kafkaScript, 'start'], { env: kafkaEnv, stdio: ['ignore', 'inherit', 'inherit'] });

  const database = `postgres://postgres@127.0.0.1:${pgPort}/verity_faults_test`;
  const jest = spawn(
    process.execPath,
    ['node_modules/jest/bin/jest.js', '--runInBand', '--selectProjects', 'faults', ...jestArgs],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        VERITY_FAULTS: '1',
        KAFKA_BROKERS: kafkaEnv.KAFKA_BROKERS,
        TEST_DATABASE_URL: database,
        DATABASE_URL: database,
        FAULTS_PG_CTL: JSON.stringify(pgCtl),
        FAULTS_PG_LOG: path.join(work, 'pg.log'),
        FAULTS_KAFKA_HOME: kafkaHome,
        FAULTS_REPORT: report,
      },
    },
  );
  status = await new Promise((resolve) => jest.once('exit', (code) => resolve(code ?? 1)));
  if (existsSync(report)) {
    const table = renderTable(JSON.parse(readFileSync(report, 'utf8')));
    console.log(`\n${table}`);
    if (writeDoc) updateDoc(table);
  } else {
    log('no scenario reported counts');
    status ||= 1;
  }
} catch (err) {
  log(err.stack ?? String(err));
  status = 1;
} finally {
  await cleanUp();
}
process.exit(status);

/** The markdown table of counts, one row per scenario (see docs/reliability.md for the columns). */
function renderTable(rows) {
  const head = [
    'scenario',
    'sent',
    'accepted',
    'rejected with code',
    'no answer',
    'violating answers',
    'outcomes (1 each)',
    'refused before the log',
    'orphaned intents',
    'duplicates',
    'gaps',
    'verified',
    'audit converged',
    'result',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    r.sent,
    r.accepted,
    Object.entries(r.codes)
      .map(([code, n]) => `${n} ${code}`)
      .join(', ') || '0',
    r.noAnswer,
    r.violatingAnswers,
    `${r.withOutcome}/${r.withActionId}`,
    r.refusedUnlogged,
    r.orphans,
    r.duplicates,
    r.gaps,
    r.verified ? 'yes' : 'NO',
    r.convergedMs === null ? 'NO' : `${(r.convergedMs / 1000).toFixed(1)} s`,
    r.violations.length === 0 ? 'pass' : `FAIL: ${r.violations.join('; ')}`,
  ]);
  return [head, head.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function updateDoc(table) {
  const doc = path.join(root, 'docs/reliability.md');
  const begin = '<!-- faults:table:begin -->';
  const end = '<!-- faults:table:end -->';
  const text = readFileSync(doc, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${doc} has no ${begin} … ${end} section`);
  const stamp = `Run of ${new Date().toISOString().slice(0, 10)}, \`npm run test:faults\`, ${process.env.FAULTS_ACTIONS ?? 400} actions per scenario at ${process.env.FAULTS_RATE ?? 10}/s.`;
  writeFileSync(doc, `${text.slice(0, from + begin.length)}\n\n${stamp}\n\n${table}\n\n${text.slice(to)}`);
  execFileSync(process.execPath, [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--write', doc], {
    stdio: 'ignore',
  });
  log(`table written to ${doc}`);
}
