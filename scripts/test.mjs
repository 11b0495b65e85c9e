#!/usr/bin/env node
// npm test: builds dist/ (the end-to-end tier runs the real service processes from it), then
// runs every jest tier. Jest's global setup starts the local Kafka broker when none answers
// and creates the test database. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { ensureBuilt, root } from './build-once.mjs';

ensureBuilt();
const jest = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--runInBand', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(jest.status ?? 1);
