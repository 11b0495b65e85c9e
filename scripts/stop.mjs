#!/usr/bin/env node
// npm run stop: stops the platform that npm start runs (gracefully), then the local broker.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './build-once.mjs';

const home = process.env.VERITY_HOME ?? path.join(root, '.verity');
try {
  const pid = Number(readFileSync(path.join(home, 'platform.pid'), 'utf8'));
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 60; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log('[verity] platform stopped');
} catch {
  console.log('[verity] no platform running');
}
if (!process.argv.includes('--keep-kafka')) {
  execFileSync('bash', [path.join(root, 'deploy/kafka/kafka-local.sh'), 'stop'], { stdio: 'inherit' });
}
