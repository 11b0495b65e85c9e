#!/usr/bin/env node
// Offline verifier for ledger evidence bundles (GET /v1/ledger/evidence?shard=<n>).
//   npm run verify -- <bundle.json> [<bundle.json> …] --key '<name+keyid+base64>' [--previous <checkpoint note file> …]
//   (or --key-file <file with the verifier key>; or env VERITY_LEDGER_KEY)
// Pin the key you obtained out of band (GET /v1/ledger/public-key, once); the bundle's own keys
// are never trusted. Several bundles (e.g. one per shard, each its own log and origin) are
// verified one by one; a --previous checkpoint is checked against the bundle of its origin.
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
  console.error(
    'usage: npm run verify -- <bundle.json> [<bundle.json> …] --key <verifier key> [--previous <checkpoint note>]',
  );
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
/** The origin line of a checkpoint note (its first line). */
const originOf = (note) => note.split('\n', 1)[0];

const bundles = [];
for (const file of positionals) {
  try {
    bundles.push({ file, bundle: JSON.parse(readFileSync(file, 'utf8')) });
  } catch (err) {
    console.error(`cannot read bundle ${file}: ${err.message}`);
    process.exit(2);
  }
}
const unmatched = previous.filter((note) => !bundles.some(({ bundle }) => bundle.manifest?.origin === originOf(note)));
if (unmatched.length > 0 && !(bundles.length === 1 && previous.length === 1)) {
  console.error(`no bundle of origin ${originOf(unmatched[0])} for the kept checkpoint`);
  process.exit(2);
}

ensureBuilt();
const { verifyBundle } = createRequire(import.meta.url)('../dist/apps/ledger/src/evidence/verify-bundle.js');
let failed = 0;
for (const { file, bundle } of bundles) {
  const m = bundle.manifest ?? {};
  // One bundle and one kept checkpoint: always checked together (a different origin fails as such).
  const kept =
    bundles.length === 1 && previous.length === 1 ? previous[0] : previous.find((note) => originOf(note) === m.origin);
  const started = process.hrtime.bigint();
  const report = verifyBundle(bundle, { pinnedKeys: keys, previous: kept });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (report.ok) {
    console.log(
      `OK ${m.origin} entries ${m.from}..${m.to} (${report.entries} entries, ${report.checkpoints} signed checkpoints) ` +
        `verified in ${seconds.toFixed(3)} s` +
        (bundles.length > 1 ? ` [${file}]` : ''),
    );
    continue;
  }
  failed += 1;
  for (const f of report.failures) console.log(`FAIL ${f.check} at ${f.where}: ${f.message}`);
  console.log(
    `${report.failures.length} check(s) failed for ${m.origin} entries ${m.from}..${m.to}` +
      (bundles.length > 1 ? ` [${file}]` : ''),
  );
}
process.exit(failed > 0 ? 1 : 0);
