#!/usr/bin/env node
// Offline verifier for ledger evidence bundles (GET /v1/ledger/evidence?shard=<n>, as JSON or,
// with &format=lines, one line per entry).
//   npm run verify -- <bundle> [<bundle> …] --key '<name+keyid+base64>' [--previous <checkpoint note file> …]
//   (or --key-file <file with the verifier key>; or env VERITY_LEDGER_KEY)
// Pin the key you obtained out of band (GET /v1/ledger/public-key, once); the bundle's own keys
// are never trusted. Several bundles (e.g. one per shard, each its own log and origin) are each
// verified on its own, one after another; a lines bundle is checked in slices on every core
// (worker threads). A --previous checkpoint is checked against the bundle of its origin.
// Exit 0: every check of every bundle passed. Exit 1: each failure printed with where it is.
// Exit 2: usage or unreadable input.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './build-once.mjs';

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      key: { type: 'string', multiple: true },
      'key-file': { type: 'string' },
      previous: { type: 'string', multiple: true },
    },
  });
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
const { values, positionals } = args;
if (positionals.length === 0) {
  console.error('usage: npm run verify -- <bundle> [<bundle> …] --key <verifier key> [--previous <checkpoint note>]');
  process.exit(2);
}
const keys = [...(values.key ?? [])];
try {
  if (values['key-file']) keys.push(readFileSync(values['key-file'], 'utf8').trim());
} catch (err) {
  console.error(`cannot read key file: ${err.message}`);
  process.exit(2);
}
if (keys.length === 0 && process.env.VERITY_LEDGER_KEY) keys.push(process.env.VERITY_LEDGER_KEY.trim());
if (keys.length === 0) {
  console.error('no pinned key: pass --key, --key-file or VERITY_LEDGER_KEY (from GET /v1/ledger/public-key)');
  process.exit(2);
}

let previous;
try {
  previous = (values.previous ?? []).map((file) => readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`cannot read kept checkpoint: ${err.message}`);
  process.exit(2);
}
ensureBuilt();
const { verifyFiles, originOf } = createRequire(import.meta.url)('../dist/apps/ledger/src/evidence/verify-files.js');
// Each bundle is read, parsed and checked on its own, side by side on every core.
const results = await verifyFiles(positionals, { pinnedKeys: keys, previous });
const unreadable = results.filter((r) => r.unreadable !== undefined);
for (const r of unreadable) console.error(`cannot read bundle ${r.file}: ${r.unreadable}`);
if (unreadable.length > 0) process.exit(2);
const unmatched = previous.filter((note) => !results.some((r) => r.origin === originOf(note)));
if (unmatched.length > 0 && !(results.length === 1 && previous.length === 1)) {
  console.error(`no bundle of origin ${originOf(unmatched[0])} for the kept checkpoint`);
  process.exit(2);
}

let failed = 0;
for (const { file, origin, from, to, report, seconds } of results) {
  const where = `${origin} entries ${from}..${to}` + (results.length > 1 ? ` [${file}]` : '');
  if (report.ok) {
    console.log(
      `OK ${where} (${report.entries} entries, ${report.checkpoints} signed checkpoints) verified in ${seconds.toFixed(3)} s`,
    );
    continue;
  }
  failed += 1;
  for (const f of report.failures) console.log(`FAIL ${f.check} at ${f.where}: ${f.message}`);
  console.log(`${report.failures.length} check(s) failed for ${where}`);
}
process.exit(failed > 0 ? 1 : 0);
