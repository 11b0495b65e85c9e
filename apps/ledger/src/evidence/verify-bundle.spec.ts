import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  blocksOf,
  formatCheckpoint,
  formatVerifierKey,
  leafHash,
  MerkleTree,
  rawPublicKey,
  signNote,
} from '@verity/merkle';
import { buildEntry, canonicalEvent } from '../entries/ledger-entry';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_V1, BundleEntry, EvidenceBundle } from './evidence-bundle';
import { bundleLines } from './bundle-lines';
import { verifyBundle, VerifyReport } from './verify-bundle';
import { verifyFiles, verifyLines } from './verify-files';

// The attack catalogue: each case alters a genuine bundle the way an attacker (or a bug) could,
// and the offline verifier must fail it, naming the check and the place.

const origin = 'verity.test/attacks';
const keyName = 'verity.test/attacks';

function key(): { privateKey: KeyObject; verifierKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, verifierKey: formatVerifierKey(keyName, rawPublicKey(privateKey)) };
}
const operator = key();

interface Event {
  id: string;
  type: string;
  sessionid: string;
  actionid: string;
  time: string;
  data: Record<string, unknown>;
}

function events(count: number): Event[] {
  const sessions = ['s-a', 's-b', 's-c'];
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: 'verity.action.requested.v1',
    sessionid: sessions[i % sessions.length],
    actionid: randomUUID(),
    time: new Date(Date.UTC(2026, 10, 25, 12, 0, i)).toISOString(),
    data: { sql: `SELECT ${i}` },
  }));
}

/** A log built the way the ledger builds it, with checkpoints at `sizes`, exported for [from, to). */
function bundleOf(
  list: Event[],
  sizes: number[],
  signer = operator.privateKey,
  from = 0,
  since?: number,
): EvidenceBundle {
  const seq = new Map<string, number>();
  const entries: BundleEntry[] = list.map((event, index) => {
    const canonical = canonicalEvent(event);
    const n = seq.get(event.sessionid) ?? 0;
    seq.set(event.sessionid, n + 1);
    return { index, entry: buildEntry(origin, canonical, n).text, payload: canonical.text };
  });
  const tree = new MerkleTree(entries.map((e) => buildLeaf(e.entry)));
  const note = (size: number) =>
    signNote(formatCheckpoint({ origin, size, root: tree.root(size) }), { name: keyName, privateKey: signer });
  const kept = sizes.filter((s, i) => s >= from || sizes[i + 1] > from);
  const to = sizes[sizes.length - 1];
  return {
    manifest: {
      format: BUNDLE_FORMAT,
      origin,
      from,
      to,
      createdAt: new Date().toISOString(),
      entryCount: to - from,
      checkpointCount: kept.length,
      keyName,
      keyId: '',
    },
    publicKeys: [operator.verifierKey],
    checkpoints: kept.map(note),
    frontier: from === 0 ? [] : frontierOf(tree, from),
    entries: entries.slice(from, to),
    consistency: [...kept.slice(1).map((s, i) => [kept[i], s]), ...(since ? [[since, to]] : [])].map(([a, b]) => ({
      size1: a,
      size2: b,
      hashes: tree.consistencyProof(a, b).map((h) => h.toString('base64')),
    })),
  };
}

const buildLeaf = (entry: string): Buffer => leafHash(entry);

function frontierOf(tree: MerkleTree, size: number): string[] {
  return blocksOf({ start: 0, end: size }).map((b) => Buffer.from(tree.block(b)).toString('base64'));
}

const checks = (report: VerifyReport): string[] => [...new Set(report.failures.map((f) => f.check))];

/**
 * Verifies the bundle as JSON, and also as lines checked in slices of one or two entries and of
 * about seven (so most slices start mid-subtree and are folded on their own): each must reach
 * the same verdict and, unless a line itself became unreadable, name the same checks.
 */
function verify(bundle: EvidenceBundle, previous?: string): VerifyReport {
  const options = { pinnedKeys: [operator.verifierKey], previous };
  const report = verifyBundle(bundle, options);
  const lines = Buffer.from([...bundleLines(bundle)].join(''));
  for (const sliceBytes of [1_000, 5_000]) {
    const viaLines = verifyLines(lines, options, sliceBytes);
    expect(viaLines.ok).toBe(report.ok);
    if (!checks(viaLines).includes('line')) expect(checks(viaLines).sort()).toEqual(checks(report).sort());
  }
  return report;
}
const clone = (b: EvidenceBundle): EvidenceBundle => JSON.parse(JSON.stringify(b)) as EvidenceBundle;

/** Rewrites a (v2) payload's event. */
function tamper(e: BundleEntry, change: (event: Event) => void): void {
  const event = JSON.parse(e.payload as string) as Event;
  change(event);
  e.payload = JSON.stringify(event);
}

/** Re-derives an entry after its payload changed (what an attacker without the key can do). */
function reEntry(e: BundleEntry, seq?: number): BundleEntry {
  const canonical = canonicalEvent(JSON.parse(e.payload as string) as object);
  const record = JSON.parse(e.entry) as { sessionSeq: number };
  return { ...e, entry: buildEntry(origin, canonical, seq ?? record.sessionSeq).text };
}

describe('offline verifier: genuine bundles', () => {
  const list = events(20);

  it('accepts a whole log with several checkpoints', () => {
    const report = verify(bundleOf(list, [5, 12, 20]));
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: 20, checkpoints: 3 });
  });

  it('accepts a range export that starts mid-log, from its frontier and an anchor checkpoint', () => {
    const report = verify(bundleOf(list, [5, 12, 20], operator.privateKey, 7));
    expect(report.failures).toEqual([]);
  });

  it('accepts a v1 bundle (payloads as JSON objects, canonicalised by the verifier)', () => {
    const b = clone(bundleOf(list, [5, 12, 20]));
    b.manifest.format = BUNDLE_FORMAT_V1;
    for (const e of b.entries) e.payload = JSON.parse(e.payload as string) as object;
    expect(verify(b).failures).toEqual([]);
    (b.entries[3].payload as Event).data = { sql: 'DROP TABLE customers' };
    expect(verify(b).failures).toEqual([expect.objectContaining({ check: 'payload', where: 'index 3' })]);
  });

  it('accepts entries whose strings need escapes or are not ASCII (checked by the generic canonicaliser)', () => {
    const odd = events(6).map((e, i) => ({ ...e, sessionid: i % 2 ? 's "quoted" \\ \u0001' : 'sessión ✓' }));
    expect(verify(bundleOf(odd, [6])).failures).toEqual([]);
  });

  it('rejects an entry that is valid JSON but not in canonical form', () => {
    const b = clone(bundleOf(list, [20]));
    b.entries[4].entry = b.entries[4].entry.replace('{"eventId":', '{ "eventId":');
    expect(verify(b).failures).toContainEqual(expect.objectContaining({ check: 'entry', where: 'index 4' }));
  });

  it('accepts a checkpoint the auditor kept from before, when the log extends it', () => {
    const earlier = bundleOf(list.slice(0, 9), [9]);
    expect(verify(bundleOf(list, [5, 12, 20]), earlier.checkpoints[0]).failures).toEqual([]);
  });
});

describe('offline verifier: attack catalogue', () => {
  const list = events(20);
  const genuine = bundleOf(list, [5, 12, 20]);

  it('tampered payload: an event changed after it was ledgered', () => {
    const b = clone(genuine);
    tamper(b.entries[8], (e) => (e.data = { sql: 'DROP TABLE customers' }));
    const report = verify(b);
    expect(report.ok).toBe(false);
    expect(report.failures).toContainEqual(expect.objectContaining({ check: 'payload', where: 'index 8' }));
  });

  it('tampered entry: payload and its entry rewritten together', () => {
    const b = clone(genuine);
    tamper(b.entries[8], (e) => (e.data = { sql: 'DROP TABLE customers' }));
    b.entries[8] = reEntry(b.entries[8]);
    const report = verify(b);
    expect(checks(report)).toEqual(['root']);
    expect(report.failures[0].where).toBe('size 12');
  });

  it('deleted event: one entry removed, the others keeping their numbers', () => {
    const b = clone(genuine);
    b.entries.splice(3, 1);
    expect(checks(verify(b))).toEqual(expect.arrayContaining(['entries', 'index', 'root', 'session-seq']));
  });

  it('renumbered entry: only its index changed, which is all that is reported', () => {
    const b = clone(genuine);
    b.entries[5].index = 50;
    expect(verify(b).failures).toEqual([expect.objectContaining({ check: 'index', where: 'index 50' })]);
  });

  it('deleted event: one entry removed and the rest renumbered', () => {
    const b = clone(genuine);
    b.entries.splice(3, 1);
    b.entries.forEach((e, i) => (e.index = i));
    expect(checks(verify(b))).toEqual(expect.arrayContaining(['entries', 'root', 'session-seq']));
  });

  it('reordered events: two entries swapped', () => {
    const b = clone(genuine);
    [b.entries[2], b.entries[9]] = [b.entries[9], b.entries[2]];
    b.entries.forEach((e, i) => (e.index = i));
    expect(checks(verify(b))).toContain('root');
  });

  it('inserted event: a well-formed entry slipped in', () => {
    const b = clone(genuine);
    const extra = bundleOf(events(1), [1]).entries[0];
    b.entries.splice(4, 0, extra);
    b.entries.forEach((e, i) => (e.index = i));
    expect(checks(verify(b))).toEqual(expect.arrayContaining(['entries', 'root']));
  });

  it('truncated log: the tail and its checkpoint dropped, caught by the checkpoint the auditor kept', () => {
    const b = bundleOf(list.slice(0, 12), [5, 12]);
    const report = verify(b, genuine.checkpoints[2]);
    expect(report.failures).toContainEqual(expect.objectContaining({ check: 'truncation' }));
  });

  it('truncated log: entries cut off below the last checkpoint', () => {
    const b = clone(genuine);
    b.entries = b.entries.slice(0, 15);
    expect(checks(verify(b))).toEqual(['entries']);
  });

  it('forked log: two validly signed checkpoints of the same size with different roots', () => {
    const fork = list.slice();
    fork[10] = events(1)[0];
    const b = clone(genuine);
    b.checkpoints.push(bundleOf(fork, [12]).checkpoints[0]);
    expect(checks(verify(b))).toContain('fork');
  });

  it('forked log: a validly signed history that does not extend the checkpoint the auditor kept', () => {
    const fork = list.slice();
    fork[3] = events(1)[0];
    const forked = bundleOf(fork, [5, 12, 20]);
    const report = verify(forked, genuine.checkpoints[1]);
    expect(report.failures).toContainEqual(expect.objectContaining({ check: 'fork', where: 'previous checkpoint' }));
    // A range export above the kept size: the forger's own consistency proof cannot bridge the fork.
    const forkedRange = bundleOf(fork, [5, 12, 20], operator.privateKey, 14, 8);
    const otherSize = verify(forkedRange, bundleOf(list.slice(0, 8), [8]).checkpoints[0]);
    expect(otherSize.failures).toContainEqual(expect.objectContaining({ check: 'consistency', where: '8 -> 20' }));
    const genuineRange = bundleOf(list, [5, 12, 20], operator.privateKey, 14, 8);
    expect(verify(genuineRange, bundleOf(list.slice(0, 8), [8]).checkpoints[0]).failures).toEqual([]);
  });

  it('replayed event: the same event appended twice', () => {
    const b = bundleOf([...list, list[4]], [5, 12, 21]);
    const report = verify(b);
    expect(report.failures).toContainEqual(expect.objectContaining({ check: 'event-id', where: 'index 20' }));
  });

  it('forged checkpoint signature: signed by a key that is not pinned', () => {
    const b = bundleOf(list, [5, 12, 20], key().privateKey);
    const report = verify(b);
    expect(checks(report)).toContain('signature');
    expect(report.ok).toBe(false);
  });

  it('forged checkpoint signature: the note changed after signing', () => {
    const b = clone(genuine);
    b.checkpoints[1] = b.checkpoints[1].replace('\n12\n', '\n13\n');
    expect(verify(b).failures).toContainEqual(expect.objectContaining({ check: 'signature', where: 'checkpoint #1' }));
  });

  it('node hash passed off as a leaf: two entries replaced by their parent node preimage', () => {
    const b = clone(genuine);
    const node = Buffer.concat([buildLeaf(b.entries[0].entry), buildLeaf(b.entries[1].entry)]);
    b.entries.splice(0, 2, { index: 0, entry: node.toString('latin1'), payload: b.entries[0].payload });
    b.entries.forEach((e, i) => (e.index = i));
    expect(checks(verify(b))).toEqual(expect.arrayContaining(['entry', 'root']));
  });

  it('session sequence with a gap', () => {
    const b = clone(genuine);
    b.entries[7] = reEntry(b.entries[7], 9);
    expect(verify(b).failures).toContainEqual(expect.objectContaining({ check: 'session-seq', where: 'index 7' }));
  });

  it('no pinned key: nothing is trusted', () => {
    expect(checks(verifyBundle(genuine, { pinnedKeys: [] }))).toContain('key');
  });
});

describe('offline verifier: bundles as lines and files', () => {
  const list = events(20);
  const genuine = bundleOf(list, [5, 12, 20]);
  const options = { pinnedKeys: [operator.verifierKey] };
  const linesOf = (b: EvidenceBundle): string[] => [...bundleLines(b)].join('').split('\n');
  const verifyText = (lines: string[]): VerifyReport => verifyLines(Buffer.from(lines.join('\n')), options, 2_000);

  it('accepts a line written out again with other spacing, through its JSON', () => {
    const lines = linesOf(genuine);
    lines[4] = JSON.stringify(JSON.parse(lines[4]), null, 1).replace(/\n/g, ' ');
    expect(verifyText(lines).failures).toEqual([]);
  });

  it('reads a line whose byte counts are off through its JSON: the counts only frame, the hashes decide', () => {
    const lines = linesOf(genuine);
    lines[4] = lines[4].replace(
      /^\[(\d+),(\d+),/,
      (_, index: string, size: string) => `[${index},${Number(size) + 1},`,
    );
    expect(verifyText(lines).failures).toEqual([]);
    const tampered = linesOf(genuine);
    tampered[4] = tampered[4].replace('"sql":"SELECT 3"', '"sql":"SELECT 9"');
    expect(tampered[4]).not.toEqual(linesOf(genuine)[4]);
    expect(verifyText(tampered).failures).toContainEqual(
      expect.objectContaining({ check: 'payload', where: 'index 3' }),
    );
  });

  it('names a line that is not an entry line at all', () => {
    const lines = linesOf(genuine);
    lines.splice(3, 0, 'not json');
    const report = verifyText(lines);
    expect(report.failures).toContainEqual(expect.objectContaining({ check: 'line' }));
  });

  it('verifies files in either format, matching a kept checkpoint by origin, and reports unreadable ones', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'verity-verify-'));
    const json = path.join(dir, 'a.json');
    const lines = path.join(dir, 'a.jsonl');
    writeFileSync(json, JSON.stringify(genuine));
    writeFileSync(lines, linesOf(genuine).join('\n'));
    const tampered = clone(genuine);
    tamper(tampered.entries[2], (e) => (e.data = { sql: 'DROP TABLE audit' }));
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, linesOf(tampered).join('\n'));
    const kept = genuine.checkpoints[0];
    const results = await verifyFiles(
      [json, lines, bad, path.join(dir, 'missing.json')],
      {
        ...options,
        previous: [kept],
      },
      0,
    );
    expect(results.map((r) => (r.unreadable === undefined ? r.report.ok : 'unreadable'))).toEqual([
      true,
      true,
      false,
      'unreadable',
    ]);
    const third = results[2];
    expect(third.unreadable === undefined && third.report.failures).toContainEqual(
      expect.objectContaining({ check: 'payload', where: 'index 2' }),
    );
    const forged = bundleOf(list, [5, 12, 20], key().privateKey);
    const other = path.join(dir, 'other.jsonl');
    writeFileSync(other, linesOf(forged).join('\n'));
    const [alone] = await verifyFiles([other], { ...options, previous: [] }, 0);
    expect(alone.unreadable === undefined && checks(alone.report)).toContain('signature');
  });
});
