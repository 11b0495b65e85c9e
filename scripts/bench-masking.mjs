#!/usr/bin/env node
// Throughput of the masking service's detectors and walker, side by side with two established npm
// PII redaction libraries (redact-pii, @openredaction/openredaction) on the same input, plus their
// precision/recall on the public corpus beside ours. One process, one core; each timing is the best of
// --runs runs. "verity masking, libraries' input" is ours on exactly the input the libraries get.
//   npm run bench:masking [-- --mb 16 --rows 100000 --runs 3]
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, root } from './build-once.mjs';
import { loadScanner, loadScorer, TYPE_MAP } from './eval-masking.mjs';

const require = createRequire(import.meta.url);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const MB = arg('mb', 16);
const ROWS = arg('rows', 100_000);
/** Each timing is the best of this many runs: the machine may be shared. */
const RUNS = arg('runs', 3);

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same input. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(42);
const pick = (list) => list[Math.floor(rnd() * list.length)];
const digits = (n) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');

const WORDS =
  'the order was shipped to customer after payment review and the account status changed while support replied about invoice delivery refund request ticket escalated resolved pending build deploy service request latency error retry timeout'.split(
    ' ',
  );
const sentence = () => Array.from({ length: 6 + Math.floor(rnd() * 10) }, () => pick(WORDS)).join(' ');
const FRAGMENTS = [
  () => `contact ${pick(['alice', 'bob', 'chen', 'dana'])}.${digits(2)}@example.com`,
  () => `call +1 202 555 01${digits(2)}`,
  () => `card 4111 1111 1111 1111`,
  () => `client ip 10.${digits(1)}.${digits(1)}.${digits(2)}`,
  () => `request id ${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
  () => `commit ${hex(40)}`,
  () => `at 2024-0${1 + Math.floor(rnd() * 9)}-1${digits(1)}T10:${digits(1)}1:00Z`,
  () => `order #${digits(10)}`,
  () => `{"user": {"email": "u${digits(3)}@example.org", "plan": "pro"}}`,
  () => `password=Xq${hex(10)}9`,
  () => `ssn 078-05-1123`,
];

function mixedText(bytes) {
  const parts = [];
  let size = 0;
  while (size < bytes) {
    const s = rnd() < 0.35 ? `${sentence()}, ${pick(FRAGMENTS)()}. ` : `${sentence()}. `;
    parts.push(s);
    size += s.length;
  }
  // Cells of about 2 KB, as free-text columns and log lines arrive.
  const cells = [];
  for (let i = 0; i < parts.length; i += 16) cells.push(parts.slice(i, i + 16).join(''));
  return cells;
}

/** A Luhn-valid 16-digit number per row, grouped by four. */
function cardOf(i) {
  const body = `400000${String(i).padStart(9, '0')}`;
  let sum = 0;
  for (let k = 0; k < body.length; k++) {
    let d = Number(body[body.length - 1 - k]);
    if (k % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`.replace(/(\d{4})(?=\d)/g, '$1 ');
}

function rows(n) {
  return Array.from({ length: n }, (_, i) => [
    i + 1,
    `Customer ${i}`,
    `customer${i}@example.com`,
    `+1-${pick(['202', '312', '415', '617'])}-555-${String(i % 10_000).padStart(4, '0')}`, // 40,000 distinct numbers
    pick(['Lisbon', 'Lyon', 'Toronto', 'Austin']),
    cardOf(i),
    `${String(100 + (i % 500)).padStart(3, '0')}-${String(1 + (i % 97)).padStart(2, '0')}-${String(1000 + (i % 8999))}`,
    i % 4 === 0 ? `Prefers e-mail, asked about order ${digits(6)}` : null,
    '2024-01-01T09:00:00.000Z',
    { newsletter: i % 2 === 0, language: 'en' },
  ]);
}
const COLUMNS = [
  'id',
  'full_name',
  'email',
  'phone',
  'city',
  'card_number',
  'ssn',
  'notes',
  'created_at',
  'preferences',
];

function time(work) {
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    work();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/** Spans of a redacted string, found by aligning the text between placeholders with the original. */
function spansFromRedacted(original, redacted, placeholder) {
  const spans = [];
  let o = 0;
  let last = 0;
  for (const m of redacted.matchAll(placeholder)) {
    const literal = redacted.slice(last, m.index);
    const at = original.indexOf(literal, o);
    if (at === -1) break;
    const start = at + literal.length;
    const nextLiteral = redacted.slice(m.index + m[0].length).split(placeholder)[0] ?? '';
    let end = nextLiteral ? original.indexOf(nextLiteral.slice(0, 8), start) : original.length;
    if (end === -1 || end <= start) end = start + 1;
    spans.push({ start, end, type: m[0] });
    o = end;
    last = m.index + m[0].length;
  }
  return spans;
}

const REDACT_PII_TYPES = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD_NUMBER: 'CREDIT_CARD',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS',
  STREET_ADDRESS: 'STREET_ADDRESS',
  NAME: 'PERSON',
  PASSWORD: 'PASSWORD',
  CREDENTIALS: 'PASSWORD',
};
function openRedactionType(t) {
  const rules = [
    [/^EMAIL/, 'EMAIL'],
    [/PHONE/, 'PHONE'],
    [/CREDIT_CARD|CARD_NUMBER/, 'CREDIT_CARD'],
    [/SSN/, 'US_SSN'],
    [/IBAN/, 'IBAN'],
    [/^IP/, 'IP_ADDRESS'],
    [/^NAME|PERSON/, 'PERSON'],
    [/ADDRESS/, 'STREET_ADDRESS'],
    [/BIRTH|DOB/, 'DATE_OF_BIRTH'],
    [/AWS/, 'AWS_ACCESS_KEY'],
    [/GITHUB/, 'GITHUB_TOKEN'],
    [/SLACK/, 'SLACK_TOKEN'],
    [/STRIPE/, 'STRIPE_KEY'],
    [/JWT/, 'JWT'],
    [/PRIVATE_KEY/, 'PRIVATE_KEY'],
    [/PASSWORD/, 'PASSWORD'],
    [/API_KEY|TOKEN|SECRET/, 'API_KEY'],
  ];
  return rules.find(([re]) => re.test(t))?.[1] ?? t;
}

async function main() {
  ensureBuilt();
  const { ResultsService } = require(path.join(root, 'dist/apps/masking/src/results/results.service.js'));
  const { maskText } = require(path.join(root, 'dist/apps/masking/src/results/text-masker.js'));
  const { DEFAULT_PROFILE } = require(path.join(root, 'dist/apps/masking/src/profiles/masking-profile.js'));
  const { SyncRedactor } = require('redact-pii');
  const { OpenRedaction } = require('@openredaction/openredaction');
  const redactPii = new SyncRedactor();
  const openRedaction = new OpenRedaction();

  const cells = mixedText(MB * 1024 * 1024);
  const bytes = cells.reduce((n, c) => n + Buffer.byteLength(c), 0);
  const smallCells = cells.slice(0, Math.max(1, Math.floor(cells.length / (MB * 8)))); // about 128 KB for the libraries
  const smallBytes = smallCells.reduce((n, c) => n + Buffer.byteLength(c), 0);
  const table = rows(ROWS);
  const smallTable = table.slice(0, 1000);

  const contenders = [
    { name: 'verity masking', text: (c) => maskText(c, DEFAULT_PROFILE).text, input: cells, inputBytes: bytes },
    {
      name: "verity masking, libraries' input",
      text: (c) => maskText(c, DEFAULT_PROFILE).text,
      input: smallCells,
      inputBytes: smallBytes,
    },
    {
      name: 'redact-pii 3 (SyncRedactor)',
      text: (c) => redactPii.redact(c),
      input: smallCells,
      inputBytes: smallBytes,
    },
    {
      name: '@openredaction/openredaction 1',
      text: (c) => openRedaction.detect(c).redacted,
      input: smallCells,
      inputBytes: smallBytes,
    },
  ];
  const service = new ResultsService();
  const rowWork = {
    'verity masking': (rs) => {
      for (let i = 0; i < rs.length; i += 1000)
        service.mask({
          profile: 'default',
          resultDigest: '0'.repeat(64),
          result: { columns: COLUMNS, rows: rs.slice(i, i + 1000), rowCount: 1000, truncated: false },
        });
    },
  };
  const cellRows = (redact) => (rs) => {
    for (const r of rs) for (const c of r) if (typeof c === 'string') redact(c);
  };
  rowWork["verity masking, libraries' input"] = rowWork['verity masking'];
  rowWork['redact-pii 3 (SyncRedactor)'] = cellRows((c) => redactPii.redact(c));
  rowWork['@openredaction/openredaction 1'] = cellRows((c) => openRedaction.detect(c));

  // Warm up, then measure.
  for (const c of contenders) for (const cell of c.input.slice(0, 20)) c.text(cell);
  console.log(
    `date: ${new Date().toISOString()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0].model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
  );
  console.log(
    `input: ${(bytes / 2 ** 20).toFixed(1)} MiB of mixed text in ${cells.length} cells of ~2 KB (libraries: first ${(smallBytes / 1024).toFixed(0)} KiB); ${ROWS} rows of 10 columns (libraries: 1,000 rows)\n`,
  );

  // A yardstick for how busy the machine is: the cheapest possible pass over the same text.
  const bare = time(() => {
    let x = 0;
    for (const cell of cells) for (let i = 0; i < cell.length; i++) x ^= cell.charCodeAt(i);
    return x;
  });
  console.log(
    `yardstick: a bare charCodeAt loop over the same text runs at ${(bytes / 1e6 / bare).toFixed(0)} MB/s now\n`,
  );

  const { score, loadJsonl } = await loadScorer();
  const gold = loadJsonl('/work/shared/eval/masking/corpus.jsonl');
  const ours = await loadScanner();
  const predictors = {
    'verity masking': ours,
    "verity masking, libraries' input": ours,
    'redact-pii 3 (SyncRedactor)': (t) =>
      spansFromRedacted(t, redactPii.redact(t), /\b[A-Z][A-Z_]{3,}\b/g).map((s) => ({
        ...s,
        type: REDACT_PII_TYPES[s.type] ?? s.type,
      })),
    '@openredaction/openredaction 1': (t) =>
      openRedaction
        .detect(t)
        .detections.map((d) => ({ start: d.position[0], end: d.position[1], type: openRedactionType(d.type) })),
  };

  console.log('| library | mixed text MB/s | rows/s (10 columns) | corpus typed P / R / F1 | corpus any-type F1 |');
  console.log('|---|---|---|---|---|');
  // Every text timing first, then every row timing, then quality: one contender's leftovers (garbage,
  // caches) weigh on the next as little as possible.
  const textSeconds = contenders.map((c) =>
    time(() => {
      for (const cell of c.input) c.text(cell);
    }),
  );
  const rowsOf = (c) => (c.name === 'verity masking' ? table : smallTable);
  const rowSeconds = contenders.map((c) => time(() => rowWork[c.name](rowsOf(c))));
  contenders.forEach((c, i) => {
    const predictions = new Map(gold.map((g) => [g.id, predictors[c.name](g.text)]));
    const r = score(gold, predictions);
    const f = (x) => (x === null ? 'n/a' : x.toFixed(3));
    console.log(
      `| ${c.name} | ${(c.inputBytes / 1e6 / textSeconds[i]).toFixed(2)} | ${Math.round(rowsOf(c).length / rowSeconds[i]).toLocaleString('en')} | ${f(r.typed.overall.precision)} / ${f(r.typed.overall.recall)} / ${f(r.typed.overall.f1)} | ${f(r.agnostic.overall.f1)} |`,
    );
  });

  void TYPE_MAP;
}

await main();
