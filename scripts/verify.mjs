#!/usr/bin/env node
// Offline verifier for ledger evidence bundles (GET /v1/ledger/evidence).
//   npm run verify -- <bundle.json> --key '<name+keyid+base64>' [--previous <checkpoint note file>]
//   (or --key-file <file with the verifier key>; or env VERITY_LEDGER_KEY)
// Pin the key you obtained out of band (GET /v1/ledger/public-key, once); the bundle's own keys
// are never trusted. Exit 0: every check passed. Exit 1: each failure printed with where it is.
// Exit 2: usage or unreadable input.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './build-once.mjs';

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { key: { type: 'string', multiple: true }, 'key-file': { type: 'string' }, previous: { type: 'string' } },
  });
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
const { values, positionals } = args;
if (positionals.length !== 1) {
  console.error('usage: npm run verify -- <bundle.json> --key <verifier key> [--previous <checkpoint note>]');
  process.exit(2);
}
const keys = [...(values.key ?? [])];
if (values['key-file']) keys.push(readFileSync(values['key-file'], 'utf8').trim());
if (keys.length === 0 && process.env.VERITY_LEDGER_KEY) keys.push(process.env.VERITY_LEDGER_KEY.trim());
if (keys.length === 0) {
  console.error('no pinned key: pass --key, --key-file or VERITY_LEDGER_KEY (from GET /v1/ledger/public-key)');
  process.exit(2);
}

let bundle;
try {
  bundle = JSON.parse(readFileSync(positionals[0], 'utf8'));
} catch (err) {
  console.error(`cannot read bundle ${positionals[0]}: ${err.message}`);
  process.exit(2);
}
const previous = values.previous ? readFileSync(values.previous, 'utf8') : undefined;

ensureBuilt();
const { verifyBundle } = createRequire(import.meta.url)('../dist/apps/ledger/src/evidence/verify-bundle.js');
const started = process.hrtime.bigint();
const report = verifyBundle(bundle, { pinnedKeys: keys, previous });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const m = bundle.manifest ?? {};
if (report.ok) {
  console.log(
    `OK ${m.origin} entries ${m.from}..${m.to} (${report.entries} entries, ${report.checkpoints} signed checkpoints) ` +
      `verified in ${seconds.toFixed(3)} s`,
  );
  process.exit(0);
}
for (const f of report.failures) console.log(`FAIL ${f.check} at ${f.where}: ${f.message}`);
console.log(`${report.failures.length} check(s) failed for ${m.origin} entries ${m.from}..${m.to}`);
process.exit(1);
