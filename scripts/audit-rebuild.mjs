#!/usr/bin/env node
// npm run audit:rebuild [-- --ledger http://127.0.0.1:8082]
//
// Empties the audit views (actions, sessions, identities, connections, alerts and the
// high-water marks) and replays every ledger entry into them, shard by shard in ledger order,
// through the same projection code the audit app runs. The entries come from the ledger's HTTP
// evidence export (audit never reads the ledger's tables: each app owns its schema), which is
// also what an auditor verifies. Safe while audit runs: applying an entry twice changes nothing.
// Uses DATABASE_URL like the app; the ledger URL is --ledger, else LEDGER_URL, else
// http://127.0.0.1:${LEDGER_PORT ?? 8082}.
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureBuilt, root } from './build-once.mjs';
const args = process.argv.slice(2);
const flag = args.indexOf('--ledger');
const ledgerUrl =
  (flag >= 0 ? args[flag + 1] : undefined) ??
  process.env.LEDGER_URL ??
  `http://127.0.0.1:${process.env.LEDGER_PORT ?? 8082}`;

ensureBuilt();

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { AuditModule, RebuildService, ledgerEntries } = require(path.join(root, 'dist/apps/audit/src/rebuild/index.js'));

// An application context: the module's providers and migrations, no HTTP server, no consumers.
process.env.AUDIT_ORPHAN_SWEEP_MS = '0';
const app = await NestFactory.createApplicationContext(AuditModule, { logger: ['error', 'warn'] });
try {
  const started = Date.now();
  const applied = await app.get(RebuildService).rebuild(ledgerEntries(ledgerUrl));
  console.log(`[audit:rebuild] replayed ${applied} ledger entries from ${ledgerUrl} in ${Date.now() - started} ms`);
} catch (err) {
  console.error(`[audit:rebuild] failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await app.close();
}
