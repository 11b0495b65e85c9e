// The five services, their default ports and how to run one from the build.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { root } from './build-once.mjs';

export const APPS = [
  { name: 'ledger', portVar: 'LEDGER_PORT', port: 8082 },
  { name: 'audit', portVar: 'AUDIT_PORT', port: 8081 },
  { name: 'policy', portVar: 'POLICY_PORT', port: 8083 },
  { name: 'masking', portVar: 'MASKING_PORT', port: 8084 },
  { name: 'gateway', portVar: 'GATEWAY_PORT', port: 8080 },
];

export function portOf(app, env = process.env) {
  return Number(env[app.portVar] ?? app.port);
}

export function entryOf(app) {
  return path.join(root, 'dist', 'apps', app.name, 'src', 'main.js');
}

/**
 * Runs one app from dist/ as a child process, its stdout and stderr appended to `logFile`.
 * `nodeArgs` go to node before the entry (e.g. --cpu-prof).
 */
export function spawnApp(app, { env = process.env, logFile, nodeArgs = [] }) {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, entryOf(app)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return child;
}

/** Polls /health/ready until it answers 200 or the deadline passes. */
export async function waitReady(url, timeoutMs = 60_000, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`${url}: the process exited`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}
