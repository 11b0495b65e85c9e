import { hash } from 'node:crypto';
import { canonicalJson } from '@verity/contracts';
import {
  Checkpoint,
  CompactRange,
  leafHash,
  NoteVerifier,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  verifyConsistency,
} from '@verity/merkle';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_V1, EvidenceBundle } from './evidence-bundle';

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

/**
 * Checks an evidence bundle offline: checkpoint signatures against pinned keys, no two
 * checkpoints of one size with different roots, consistency between consecutive checkpoints
 * (and with a checkpoint kept from before), the roots recomputed from the entries, every entry's
 * canonical form, leaf and payload digest, unique event ids and gap-free session sequences.
 */
export function verifyBundle(bundle: EvidenceBundle, options: VerifyOptions): VerifyReport {
  const failures: Failure[] = [];
  const fail = (check: string, where: string, message: string): void => {
    failures.push({ check, where, message });
  };
  const m = bundle.manifest;
  if (m?.format !== BUNDLE_FORMAT && m?.format !== BUNDLE_FORMAT_V1) {
    fail('format', 'manifest', `not a ${BUNDLE_FORMAT} (or v1) bundle`);
  }
  const origin = m?.origin;
  const verifiers = pinned(options.pinnedKeys, fail);

  // Checkpoints: signed by a pinned key, of this origin, ordered, no fork.
  const signed: Signed[] = [];
  (bundle.checkpoints ?? []).forEach((note, i) => {
    const c = openCheckpoint(note, verifiers, `checkpoint #${i}`, fail);
    if (!c) return;
    if (c.origin !== origin) fail('origin', c.at, `checkpoint of origin ${c.origin}, bundle is ${origin}`);
    signed.push(c);
  });
  signed.sort((a, b) => a.size - b.size);
  const bySize = new Map<number, Signed>();
  for (const c of signed) {
    const other = bySize.get(c.size);
    if (other && !other.root.equals(c.root)) {
      fail('fork', `size ${c.size}`, 'two signed checkpoints of the same size with different roots: the log forked');
    }
    bySize.set(c.size, c);
  }
  const distinct = [...bySize.values()];
  const proofs = new Map((bundle.consistency ?? []).map((p) => [`${p.size1}-${p.size2}`, p]));
  const consistent = (a: Signed, b: Signed, what: string): void => {
    if (a.size === 0) return;
    const p = proofs.get(`${a.size}-${b.size}`);
    if (!p) return fail('consistency', `${a.size} -> ${b.size}`, `no consistency proof for ${what}`);
    const hashes = p.hashes.map((h) => Buffer.from(h, 'base64'));
    if (!verifyConsistency(a.size, b.size, a.root, b.root, hashes)) {
      fail('consistency', `${a.size} -> ${b.size}`, `${what}: the later checkpoint does not extend the earlier one`);
    }
  };
  for (let i = 1; i < distinct.length; i++) consistent(distinct[i - 1], distinct[i], 'consecutive checkpoints');

  const last = distinct[distinct.length - 1];
  if (!last || last.size !== m?.to) fail('range', `to ${m?.to}`, 'the bundle does not end at a signed checkpoint');

  // Entries: canonical, hashed as leaves, payload committed, in index order; roots recomputed.
  const entries = bundle.entries ?? [];
  if (entries.length !== (m?.to ?? 0) - (m?.from ?? 0)) {
    fail(
      'entries',
      `${m?.from}..${m?.to}`,
      `expected ${(m?.to ?? 0) - (m?.from ?? 0)} entries, found ${entries.length}`,
    );
  }
  let range: CompactRange | undefined;
  try {
    range = new CompactRange(
      m.from,
      (bundle.frontier ?? []).map((h) => Buffer.from(h, 'base64')),
    );
  } catch (err) {
    fail('frontier', `size ${m?.from}`, (err as Error).message);
  }
  let kept: Signed | undefined;
  if (options.previous !== undefined) {
    kept = openCheckpoint(options.previous, verifiers, 'previous checkpoint', fail);
    if (kept && kept.origin !== origin) fail('origin', kept.at, `kept checkpoint is of origin ${kept.origin}`);
  }
  const checkRoot = (size: number): void => {
    if (!range) return;
    const c = bySize.get(size);
    if (c && !range.root().equals(c.root)) {
      fail(
        'root',
        `size ${size}`,
        'the entries do not hash to the signed root (altered, missing, inserted or reordered)',
      );
    }
    if (kept && kept.size === size && !range.root().equals(kept.root)) {
      fail('fork', kept.at, `the log of size ${size} differs from the checkpoint the auditor kept`);
    }
  };
  checkRoot(m?.from);
  const seenIds = new Set<string>();
  const nextSeq = new Map<string, number>();
  entries.forEach((e, i) => {
    const where = `index ${e.index}`;
    if (e.index !== m.from + i) fail('index', where, `expected index ${m.from + i}`);
    const record = checkEntry(e.entry, e.payload, origin, where, fail);
    range?.append(leafHash(e.entry));
    checkRoot(m.from + i + 1);
    if (!record) return;
    if (seenIds.has(record.eventId)) fail('event-id', where, `event ${record.eventId} appears twice`);
    seenIds.add(record.eventId);
    const expected = nextSeq.get(record.sessionId) ?? (m.from === 0 ? 0 : record.sessionSeq);
    if (record.sessionSeq !== expected) {
      fail('session-seq', where, `session ${record.sessionId}: sequence ${record.sessionSeq}, expected ${expected}`);
    }
    nextSeq.set(record.sessionId, Math.max(expected, record.sessionSeq) + 1);
  });

  // A checkpoint the auditor kept from before must be extended by this bundle's last one.
  if (kept && last) {
    if (kept.size > last.size) {
      fail('truncation', kept.at, `the log was ${kept.size} entries long before, the bundle ends at ${last.size}`);
    } else if (kept.size < m.from) {
      const same = bySize.get(kept.size);
      if (same && !same.root.equals(kept.root)) fail('fork', kept.at, "kept checkpoint differs from the bundle's");
      else if (!same) consistent(kept, last, 'the kept checkpoint');
    }
  }
  return { ok: failures.length === 0, failures, entries: entries.length, checkpoints: signed.length };
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
  if (typeof record !== 'object' || record === null || canonicalJson(record) !== text) {
    throw new Error('entry is not in RFC 8785 canonical form');
  }
  return record;
}

function checkEntry(
  text: string,
  payload: string | object | undefined,
  origin: string,
  where: string,
  fail: (c: string, w: string, m: string) => void,
): EntryRecord | undefined {
  let record: EntryRecord;
  try {
    record = readEntry(text);
  } catch (err) {
    fail('entry', where, `unreadable entry: ${(err as Error).message}`);
    return undefined;
  }
  if (record.origin !== origin) fail('entry', where, `entry of origin ${record.origin}`);
  // v2: the committed bytes themselves are digested; v1: the object is canonicalised first.
  let bytes: string;
  let event: Record<string, unknown>;
  try {
    if (typeof payload === 'string') {
      bytes = payload;
      event = JSON.parse(payload) as Record<string, unknown>;
    } else if (typeof payload === 'object' && payload !== null) {
      bytes = canonicalJson(payload);
      event = payload as Record<string, unknown>;
    } else throw new Error('payload missing');
  } catch (err) {
    fail('payload', where, `unreadable payload: ${(err as Error).message}`);
    return record;
  }
  // crypto.hash digests a string as its UTF-8 bytes.
  if (
    Buffer.byteLength(bytes, 'utf8') !== record.payloadSize ||
    hash('sha256', bytes, 'hex') !== record.payloadSha256
  ) {
    fail('payload', where, 'payload does not match the digest in its entry');
  }
  if (event?.id !== record.eventId || event?.type !== record.eventType || event?.sessionid !== record.sessionId) {
    fail('payload', where, 'payload id, type or session differ from its entry');
  }
  return record;
}
