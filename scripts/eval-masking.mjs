#!/usr/bin/env node
// Precision, recall and F1 per entity type of the masking detectors, on the public corpus
// (/work/shared/eval/masking/corpus.jsonl, or MASKING_CORPUS) and on our own cases
// (apps/masking/eval/cases.jsonl), scored by the corpus's own scorer (score.mjs beside it).
//   npm run eval:masking [-- --verbose]
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, root } from './build-once.mjs';

const require = createRequire(import.meta.url);
const corpusDir = process.env.MASKING_CORPUS_DIR ?? '/work/shared/eval/masking';
const verbose = process.argv.includes('--verbose');

/** Our entity types → the corpus vocabulary. */
export const TYPE_MAP = {
  email: 'EMAIL',
  phone: 'PHONE',
  credit_card: 'CREDIT_CARD',
  iban: 'IBAN',
  us_ssn: 'US_SSN',
  ip_address: 'IP_ADDRESS',
  person: 'PERSON',
  street_address: 'STREET_ADDRESS',
  date_of_birth: 'DATE_OF_BIRTH',
  aws_access_key: 'AWS_ACCESS_KEY',
  github_token: 'GITHUB_TOKEN',
  slack_token: 'SLACK_TOKEN',
  stripe_key: 'STRIPE_KEY',
  jwt: 'JWT',
  private_key: 'PRIVATE_KEY',
  generic_secret: 'GENERIC_SECRET',
  password: 'PASSWORD',
  api_key: 'API_KEY',
  gcp_api_key: 'API_KEY',
  azure_key: 'API_KEY',
  gitlab_token: 'API_KEY',
  openai_key: 'API_KEY',
};

export async function loadScanner() {
  ensureBuilt();
  const { Scanner, allDetectors } = require(path.join(root, 'dist/apps/masking/src/detectors/scanner.js'));
  const scanner = new Scanner(allDetectors());
  return (text) =>
    scanner.scan(text).map((f) => ({ start: f.start, end: f.end, type: TYPE_MAP[f.entity] ?? f.entity }));
}

export async function loadScorer() {
  return import(pathToFileURL(path.join(corpusDir, 'score.mjs')).href);
}

async function main() {
  const detect = await loadScanner();
  const { score, loadJsonl, formatReport } = await loadScorer();
  const sets = [
    ['public corpus', path.join(corpusDir, 'corpus.jsonl')],
    ['own cases', path.join(root, 'apps/masking/eval/cases.jsonl')],
  ];
  for (const [name, file] of sets) {
    if (!existsSync(file)) {
      console.log(`\n== ${name}: ${file} not found, skipped`);
      continue;
    }
    const gold = loadJsonl(file);
    const predictions = new Map(gold.map((g) => [g.id, detect(g.text)]));
    const report = score(gold, predictions);
    console.log(`\n== ${name} (${file})`);
    console.log(formatReport(report));
    if (verbose) {
      for (const g of gold) {
        const p = predictions.get(g.id);
        const hit = (a, b) => Math.min(a.end, b.end) - Math.max(a.start, b.start) >= 0.5 * (b.end - b.start);
        for (const s of g.spans)
          if (!p.some((x) => x.type === s.type && hit(x, s)))
            console.log(`MISS ${g.id} ${s.type} ${JSON.stringify(g.text.slice(s.start, s.end)).slice(0, 80)}`);
        for (const x of p)
          if (
            !g.spans.some((s) => x.type === s.type && hit(x, s)) &&
            !(g.ignore ?? []).some((s) => hit(s, x) || hit(x, s))
          )
            console.log(`FP   ${g.id} ${x.type} ${JSON.stringify(g.text.slice(x.start, x.end)).slice(0, 80)}`);
      }
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
