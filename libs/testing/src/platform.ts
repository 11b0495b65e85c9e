import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testDatabaseUrl, testKafkaBrokers, testTarget } from './test-env';
import { waitFor } from './wait-for';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const APPS = ['ledger', 'audit', 'policy', 'masking', 'gateway'] as const;
export type AppName = (typeof APPS)[number];

export interface RunningPlatform {
  url: Record<AppName, string>;
  /** The gateway's PostgreSQL wire listener (base port + 5); database name = connection name. */
  pgPort: number;
  /** Everything each process wrote, for assertions on logs. */
  output: Record<AppName, string[]>;
  /** The process id of an app's current process. */
  pid(app: AppName): number;
  /** Sends a signal to an app's current process; resolves once it exited (SIGKILL, SIGTERM). */
  signal(app: AppName, signal: NodeJS.Signals): Promise<void>;
  /** Starts an app again (after it exited) and waits until it is ready. */
  restart(app: AppName): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /**
   * First of six consecutive ports (gateway, audit, ledger, policy, masking, the gateway's
   * PostgreSQL wire listener); E2E_BASE_PORT, else 18080.
   */
  basePort?: number;
  env?: Record<string, string>;
  /** More connections for the connections file, as YAML lines indented under `connections:`. */
  connections?: string[];
  /** How long each app may take to be ready (90 s). */
  readyTimeoutMs?: number;
}

/** Seeds a demo target database (synthetic customers + agent role) for the gateway to run on. */
export function seedTarget(database: string, role: string, secretsDir: string): void {
  const admin = new URL(testDatabaseUrl());
  admin.pathname = '/postgres';
  const script = `import(${JSON.stringify(path.join(REPO_ROOT, 'scripts/seed-demo.mjs'))}).then((m) => m.seedDemo(${JSON.stringify(
    {
      adminUrl: admin.toString(),
      database,
      role,
      secretsDir,
    },
  )}))`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
}

/**
 * Runs the five services as separate processes from dist/ (the build `npm test` makes first),
 * on the test database and the real broker, with a connections file naming `demo-db` (the
 * seeded test target) and `down-db` (a port where nothing listens).
 */
/**
 * Processes of platforms not stopped yet, kept on `process` (shared by every test file of a
 * jest run, unlike globalThis): a file whose setup timed out never calls stop(), and its
 * services would otherwise keep consuming the same topics during every later file.
 */
const leftovers = ((process as unknown as { __verityPlatforms?: Set<ChildProcess> }).__verityPlatforms ??= new Set());

async function stopLeftovers(): Promise<void> {
  const running = [...leftovers].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  await Promise.all(running.map((c) => new Promise((resolve) => c.once('exit', resolve))));
  leftovers.clear();
}

export async function startPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  await stopLeftovers();
  const base = options.basePort ?? Number(process.env.E2E_BASE_PORT ?? 18080);
  const ports: Record<AppName, number> = {
    gateway: base,
    audit: base + 1,
    ledger: base + 2,
    policy: base + 3,
    masking: base + 4,
  };
  const home = path.join(REPO_ROOT, '.verity');
  const work = path.join(home, 'e2e');
  mkdirSync(work, { recursive: true });
  const { database, role } = testTarget('e2e');
  seedTarget(database, role, path.join(work, 'secrets'));
  const connections = path.join(work, 'connections.yaml');
  writeFileSync(
    connections,
    [
      'connections:',
      '  demo-db:',
      '    type: postgres',
      `    host: ${new URL(testDatabaseUrl()).hostname}`,
      `    port: ${new URL(testDatabaseUrl()).port || 5432}`,
      `    database: ${database}`,
      `    user: ${role}`,
      `    password: { file: ${path.join(work, 'secrets', 'demo-db.password')} }`,
      '  down-db:',
      '    type: postgres',
      '    host: 127.0.0.1',
      '    port: 1',
      `    database: ${database}`,
      `    user: ${role}`,
      `    password: { file: ${path.join(work, 'secrets', 'demo-db.password')} }`,
      ...(options.connections ?? []),
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: testDatabaseUrl(),
    KAFKA_BROKERS: testKafkaBrokers(),
    VERITY_HOME: home,
    VERITY_CONNECTIONS: connections,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    GATEWAY_PORT: String(ports.gateway),
    AUDIT_PORT: String(ports.audit),
    LEDGER_PORT: String(ports.ledger),
    POLICY_PORT: String(ports.policy),
    MASKING_PORT: String(ports.masking),
    GATEWAY_PG_PORT: String(base + 5),
    ...options.env,
  };
  const children = new Map<AppName, ChildProcess>();
  const output = Object.fromEntries(APPS.map((a) => [a, [] as string[]])) as Record<AppName, string[]>;
  const url = Object.fromEntries(APPS.map((a) => [a, `http://127.0.0.1:${ports[a]}`])) as Record<AppName, string>;
  const spawnApp = (app: AppName) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/apps', app, 'src/main.js')], {
      env,
      cwd: REPO_ROOT,
    });
    child.stdout?.on('data', (chunk: Buffer) => output[app].push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output[app].push(chunk.toString()));
    children.set(app, child);
    leftovers.add(child);
  };
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));
  const ready = (app: AppName) =>
    waitFor(
      async () => {
        const child = current(app);
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${app} exited:\n${output[app].join('').slice(-3000)}`);
        return (await fetch(`${url[app]}/health/ready`)).ok;
      },
      { timeoutMs: options.readyTimeoutMs ?? 90_000, what: `${app} to be ready` },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; its last output:\n${output[app].join('').slice(-3000)}`);
    });
  const current = (app: AppName) => children.get(app) as ChildProcess;
  for (const app of APPS) spawnApp(app);
  const stop = async () => {
    for (const child of children.values()) leftovers.delete(child);
    for (const child of children.values()) child.kill('SIGTERM');
    await Promise.all([...children.values()].map(exited));
  };
  const signal = async (app: AppName, sig: NodeJS.Signals) => {
    const child = current(app);
    child.kill(sig);
    if (sig === 'SIGKILL' || sig === 'SIGTERM') await exited(child);
  };
  const restart = async (app: AppName) => {
    const old = current(app);
    if (old.exitCode === null && old.signalCode === null) throw new Error(`${app} is still running`);
    leftovers.delete(old);
    spawnApp(app);
    await ready(app);
  };
  try {
    for (const app of APPS) await ready(app);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pgPort: base + 5, output, pid: (app) => current(app).pid as number, signal, restart, stop };
}
