import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  blocksOf,
  Checkpoint,
  CompactRange,
  leafHash,
  NoteVerifier,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  subtreeHash,
  verifyConsistency,
} from '@verity/merkle';
import { trailingStrings } from './json-tail';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_LINES, BUNDLE_FORMAT_V1, EvidenceBundle } from './evidence-bundle';

export interface Failure {
  /** Which check failed: signature, fork, consistency, root, entry, payload, event-id, session-seq, ... */
  check: string;
  /** Where: an index, a checkpoint size, a session. */
  where: string;
  message: string;
}

export interface VerifyOptions {
  /** Verifier keys the auditor trusts (`name+keyid+base64`); the bundle's own keys are not trusted. */
  pinnedKeys: string[];
  /** A signed checkpoint note the auditor kept from before. */
  previous?: string;
}

export interface VerifyReport {
  ok: boolean;
  failures: Failure[];
  entries: number;
  checkpoints: number;
}

interface Signed extends Checkpoint {
  at: string;
}

interface EntryRecord {
  schema: number;
  origin: string;
  eventId: string;
  eventType: string;
  sessionId: string;
  sessionSeq: number;
  occurredAt: string;
  payloadSha256: string;
  payloadSize: number;
}

/** An entry as the verifier reads it: the committed text of the entry and its payload (v1: an object). */
export interface RawEntry {
  index: number;
  entry: string;
  payload: string | object | undefined;
  /** The payload's bytes when they are at hand (its UTF-8 encoding), so they need not be encoded again. */
  payloadBytes?: Uint8Array;
}

/** The bundle without its entries: what the sequential checks start from. */
export type BundleHeader = Omit<EvidenceBundle, 'entries'>;

/**
 * What the per-entry checks (which need no other entry, so they run on any slice of the entries,
 * on any thread) hand on to the sequential ones: the leaf hashes, the leaves already folded into
 * subtrees, and the ids the uniqueness and sequence checks need. Plain arrays and byte arrays,
 * so it crosses to another thread cheaply.
 */
export interface CheckedEntries {
  indices: number[];
  /** 32 bytes per entry. */
  leaves: Uint8Array;
  /** null where the entry could not be read. */
  eventIds: Array<string | null>;
  sessionIds: Array<string | null>;
  sessionSeqs: number[];
  failures: Failure[];
  /** The leaves as complete aligned subtrees, had they sat at positions start, start + 1, … */
  folded?: Folded;
}

/**
 * Leaves folded from tree position `start` on: per segment (cut where a root is to be checked),
 * the hashes of its complete aligned subtrees, left to right.
 */
export interface Folded {
  start: number;
  segments: Array<{ end: number; levels: number[]; hashes: Uint8Array }>;
}

/**
 * Checks an evidence bundle offline: checkpoint signatures against pinned keys, no two
 * checkpoints of one size with different roots, consistency between consecutive checkpoints
 * (and with a checkpoint kept from before), the roots recomputed from the entries, every entry's
 * canonical form, leaf and payload digest, unique event ids and gap-free session sequences.
 */
export function verifyBundle(bundle: EvidenceBundle, options: VerifyOptions): VerifyReport {
  const verifier = new BundleVerifier(bundle, options);
  const from = bundle.manifest?.from;
  verifier.add(checkEntries(bundle.entries ?? [], verifier.origin, { start: from, cuts: verifier.cuts }));
  return verifier.finish();
}

/**
 * The per-entry checks of a slice of a bundle's entries (see CheckedEntries); with `fold`, also
 * folds the leaves into subtrees from position `fold.start`, cut at the sizes in `fold.cuts`.
 */
export function checkEntries(
  entries: readonly RawEntry[],
  origin: string,
  fold?: { start: number; cuts: readonly number[] },
): CheckedEntries {
  const out: CheckedEntries = {
    indices: new Array<number>(entries.length),
    leaves: new Uint8Array(32 * entries.length),
    eventIds: new Array<string | null>(entries.length),
    sessionIds: new Array<string | null>(entries.length),
    sessionSeqs: new Array<number>(entries.length),
    failures: [],
  };
  const fail = (check: string, where: string, message: string): void => {
    out.failures.push({ check, where, message });
  };
  entries.forEach((e, i) => {
    const record = checkEntry(e, origin, fail);
    out.indices[i] = e.index;
    out.leaves.set(leafHash(e.entry), 32 * i);
    out.eventIds[i] = record?.eventId ?? null;
    out.sessionIds[i] = record?.sessionId ?? null;
    out.sessionSeqs[i] = record?.sessionSeq ?? 0;
  });
  if (fold && Number.isSafeInteger(fold.start) && fold.start >= 0) {
    out.folded = foldLeaves(out.leaves, fold.start, fold.cuts);
  }
  return out;
}

function foldLeaves(leaves: Uint8Array, start: number, cuts: readonly number[]): Folded {
  const end = start + leaves.length / 32;
  const inside = [...new Set(cuts)].filter((c) => c > start && c < end).sort((a, b) => a - b);
  const segments: Folded['segments'] = [];
  let from = start;
  for (const to of [...inside, end]) {
    const blocks = blocksOf({ start: from, end: to });
    const hashes = new Uint8Array(32 * blocks.length);
    blocks.forEach((b, k) => {
      const first = b.index * 2 ** b.level - start;
      hashes.set(subtreeHash(leaves.subarray(32 * first, 32 * (first + 2 ** b.level))), 32 * k);
    });
    segments.push({ end: to, levels: blocks.map((b) => b.level), hashes });
    from = to;
  }
  return { start, segments };
}

/**
 * The checks that need the whole bundle in order: checkpoints (on construction), then the
 * entries' checked slices in index order (`add`), then the totals and the kept checkpoint
 * (`finish`).
 */
export class BundleVerifier {
  private readonly failures: Failure[] = [];
  private readonly m: BundleHeader['manifest'];
  private readonly bySize = new Map<number, Signed>();
  private readonly last: Signed | undefined;
  private readonly kept: Signed | undefined;
  private readonly range: CompactRange | undefined;
  private readonly seenIds = new Set<string>();
  private readonly nextSeq = new Map<string, number>();
  private readonly proofs: Map<string, BundleHeader['consistency'][number]>;
  private readonly verifiers: NoteVerifier[];
  private count = 0;
  private checkpointCount = 0;

  constructor(header: BundleHeader, options: VerifyOptions) {
    const m = (this.m = header.manifest);
    if (m?.format !== BUNDLE_FORMAT && m?.format !== BUNDLE_FORMAT_V1 && m?.format !== BUNDLE_FORMAT_LINES) {
      this.fail('format', 'manifest', `not a ${BUNDLE_FORMAT} (or v1, or lines) bundle`);
    }
    this.verifiers = pinned(options.pinnedKeys, this.fail);

    // Checkpoints: signed by a pinned key, of this origin, ordered, no fork.
    const signed: Signed[] = [];
    (header.checkpoints ?? []).forEach((note, i) => {
      const c = this.open(note, `checkpoint #${i}`);
      if (!c) return;
      if (c.origin !== this.origin)
        this.fail('origin', c.at, `checkpoint of origin ${c.origin}, bundle is ${this.origin}`);
      signed.push(c);
    });
    this.checkpointCount = signed.length;
    signed.sort((a, b) => a.size - b.size);
    for (const c of signed) {
      const other = this.bySize.get(c.size);
      if (other && !other.root.equals(c.root)) {
        this.fail(
          'fork',
          `size ${c.size}`,
          'two signed checkpoints of the same size with different roots: the log forked',
        );
      }
      this.bySize.set(c.size, c);
    }
    const distinct = [...this.bySize.values()];
    this.proofs = new Map((header.consistency ?? []).map((p) => [`${p.size1}-${p.size2}`, p]));
    for (let i = 1; i < distinct.length; i++) this.consistent(distinct[i - 1], distinct[i], 'consecutive checkpoints');
    this.last = distinct[distinct.length - 1];
    if (!this.last || this.last.size !== m?.to) {
      this.fail('range', `to ${m?.to}`, 'the bundle does not end at a signed checkpoint');
    }

    try {
      this.range = new CompactRange(
        m.from,
        (header.frontier ?? []).map((h) => Buffer.from(h, 'base64')),
      );
    } catch (err) {
      this.fail('frontier', `size ${m?.from}`, (err as Error).message);
    }
    if (options.previous !== undefined) {
      this.kept = this.open(options.previous, 'previous checkpoint');
      if (this.kept && this.kept.origin !== this.origin) {
        this.fail('origin', this.kept.at, `kept checkpoint is of origin ${this.kept.origin}`);
      }
    }
    this.checkRoot(m?.from);
  }

  get origin(): string {
    return this.m?.origin;
  }

  /** Tree sizes where a root is checked: every signed checkpoint's and the kept one's. */
  get cuts(): number[] {
    return [...this.bySize.keys(), ...(this.kept ? [this.kept.size] : [])];
  }

  /** The next slice of checked entries, in index order. */
  add(checked: CheckedEntries): void {
    const m = this.m;
    this.failures.push(...checked.failures);
    const start = m.from + this.count;
    const range = this.range;
    // Subtrees folded from where this slice really starts count as its leaves appended one by one.
    const folded = checked.folded?.start === start ? checked.folded : undefined;
    if (range && folded) {
      for (const { end, levels, hashes } of folded.segments) {
        levels.forEach((level, k) => range.appendBlock(level, hashes.subarray(32 * k, 32 * k + 32)));
        this.checkRoot(end);
      }
    }
    for (let i = 0; i < checked.indices.length; i++) {
      const index = checked.indices[i];
      const position = start + i;
      if (index !== position) this.fail('index', `index ${index}`, `expected index ${position}`);
      if (range && !folded) {
        range.append(checked.leaves.subarray(32 * i, 32 * i + 32));
        this.checkRoot(position + 1);
      }
      const eventId = checked.eventIds[i];
      const sessionId = checked.sessionIds[i];
      if (eventId === null || sessionId === null) continue;
      if (this.seenIds.has(eventId)) this.fail('event-id', `index ${index}`, `event ${eventId} appears twice`);
      this.seenIds.add(eventId);
      const seq = checked.sessionSeqs[i];
      const expected = this.nextSeq.get(sessionId) ?? (m.from === 0 ? 0 : seq);
      if (seq !== expected) {
        this.fail('session-seq', `index ${index}`, `session ${sessionId}: sequence ${seq}, expected ${expected}`);
      }
      this.nextSeq.set(sessionId, Math.max(expected, seq) + 1);
    }
    this.count += checked.indices.length;
  }

  finish(): VerifyReport {
    const m = this.m;
    const expected = (m?.to ?? 0) - (m?.from ?? 0);
    if (this.count !== expected) {
      this.fail('entries', `${m?.from}..${m?.to}`, `expected ${expected} entries, found ${this.count}`);
    }
    // A checkpoint the auditor kept from before must be extended by this bundle's last one.
    const { kept, last } = this;
    if (kept && last) {
      if (kept.size > last.size) {
        this.fail(
          'truncation',
          kept.at,
          `the log was ${kept.size} entries long before, the bundle ends at ${last.size}`,
        );
      } else if (kept.size < m.from) {
        const same = this.bySize.get(kept.size);
        if (same && !same.root.equals(kept.root))
          this.fail('fork', kept.at, "kept checkpoint differs from the bundle's");
        else if (!same) this.consistent(kept, last, 'the kept checkpoint');
      }
    }
    const failures = this.failures;
    return { ok: failures.length === 0, failures, entries: this.count, checkpoints: this.checkpointCount };
  }

  private readonly fail = (check: string, where: string, message: string): void => {
    this.failures.push({ check, where, message });
  };

  private open(note: string, at: string): Signed | undefined {
    return openCheckpoint(note, this.verifiers, at, this.fail);
  }

  private consistent(a: Signed, b: Signed, what: string): void {
    if (a.size === 0) return;
    const p = this.proofs.get(`${a.size}-${b.size}`);
    if (!p) return this.fail('consistency', `${a.size} -> ${b.size}`, `no consistency proof for ${what}`);
    const hashes = p.hashes.map((h) => Buffer.from(h, 'base64'));
    if (!verifyConsistency(a.size, b.size, a.root, b.root, hashes)) {
      this.fail(
        'consistency',
        `${a.size} -> ${b.size}`,
        `${what}: the later checkpoint does not extend the earlier one`,
      );
    }
  }

  private checkRoot(size: number): void {
    const { range, kept } = this;
    if (!range) return;
    const c = this.bySize.get(size);
    if (c && !range.root().equals(c.root)) {
      this.fail(
        'root',
        `size ${size}`,
        'the entries do not hash to the signed root (altered, missing, inserted or reordered)',
      );
    }
    if (kept && kept.size === size && !range.root().equals(kept.root)) {
      this.fail('fork', kept.at, `the log of size ${size} differs from the checkpoint the auditor kept`);
    }
  }
}

function pinned(keys: string[], fail: (c: string, w: string, m: string) => void): NoteVerifier[] {
  const out: NoteVerifier[] = [];
  for (const k of keys) {
    try {
      out.push(parseVerifierKey(k));
    } catch (err) {
      fail('key', k, (err as Error).message);
    }
  }
  if (keys.length === 0) fail('key', 'options', 'no pinned key: signatures cannot be checked');
  return out;
}

function openCheckpoint(
  note: string,
  verifiers: NoteVerifier[],
  at: string,
  fail: (c: string, w: string, m: string) => void,
): Signed | undefined {
  let lastError = 'no pinned key';
  for (const v of verifiers) {
    try {
      return { ...parseCheckpoint(openNote(note, v)), at };
    } catch (err) {
      lastError = (err as Error).message;
    }
  }
  fail('signature', at, lastError);
  return undefined;
}

// A v1 entry record in RFC 8785 form, when none of its strings needs an escape: keys sorted,
// strings quoted as they are, non-negative integers in plain decimal. Text that matches is
// canonical by construction; anything else goes through the generic parse-and-canonicalise check.
const S = '"([^"\\\\\\u0000-\\u001f\\ud800-\\udfff]*)"';
const N = '(0|[1-9][0-9]{0,15})';
const CANONICAL_ENTRY = new RegExp(
  `^\\{"eventId":${S},"eventType":${S},"occurredAt":${S},"origin":${S},"payloadSha256":${S},` +
    `"payloadSize":${N},"schema":${N},"sessionId":${S},"sessionSeq":${N}\\}$`,
);

function readEntry(text: string): EntryRecord {
  const m = CANONICAL_ENTRY.exec(text);
  if (m) {
    const record: EntryRecord = {
      eventId: m[1],
      eventType: m[2],
      occurredAt: m[3],
      origin: m[4],
      payloadSha256: m[5],
      payloadSize: Number(m[6]),
      schema: Number(m[7]),
      sessionId: m[8],
      sessionSeq: Number(m[9]),
    };
    if (Number.isSafeInteger(record.payloadSize) && Number.isSafeInteger(record.sessionSeq)) return record;
  }
  const record = JSON.parse(text) as EntryRecord;
  if (typeof record !== 'object' || record === null || canonicalize(record) !== text) {
    throw new Error('entry is not in RFC 8785 canonical form');
  }
  return record;
}

/** The payload members an entry repeats. */
const IDENTITY = ['id', 'type', 'sessionid'];

function checkEntry(
  { index, entry, payload, payloadBytes }: RawEntry,
  origin: string,
  report: (c: string, w: string, m: string) => void,
): EntryRecord | undefined {
  // The place is only spelt out when something fails.
  const fail = (check: string, message: string): void => report(check, `index ${index}`, message);
  let record: EntryRecord;
  try {
    record = readEntry(entry);
  } catch (err) {
    fail('entry', `unreadable entry: ${(err as Error).message}`);
    return undefined;
  }
  if (record.origin !== origin) fail('entry', `entry of origin ${record.origin}`);
  // v2 and lines: the committed bytes themselves are digested; v1: the object is canonicalised first.
  let bytes: string;
  let event: Record<string, unknown>;
  try {
    if (typeof payload === 'string') {
      bytes = payload;
      // Its identity from its last members, which are plain strings in an event; else parsed whole.
      const identity = trailingStrings(payload, IDENTITY);
      event = identity
        ? { id: identity[0], type: identity[1], sessionid: identity[2] }
        : (JSON.parse(payload) as Record<string, unknown>);
    } else if (typeof payload === 'object' && payload !== null) {
      bytes = canonicalize(payload) as string;
      event = payload as Record<string, unknown>;
    } else throw new Error('payload missing');
  } catch (err) {
    fail('payload', `unreadable payload: ${(err as Error).message}`);
    return record;
  }
  // crypto.hash digests a string as its UTF-8 bytes.
  const committed = payloadBytes ?? bytes;
  if (
    Buffer.byteLength(committed, 'utf8') !== record.payloadSize ||
    hash('sha256', committed, 'hex') !== record.payloadSha256
  ) {
    fail('payload', 'payload does not match the digest in its entry');
  }
  if (event?.id !== record.eventId || event?.type !== record.eventType || event?.sessionid !== record.sessionId) {
    fail('payload', 'payload id, type or session differ from its entry');
  }
  return record;
}
