/**
 * Checks one of an action's ledger entries in the browser: the entry's bytes hash to the leaf
 * the audit record names, its inclusion proof leads to the root of a checkpoint, and that
 * checkpoint is signed by the ledger's key for the entry's own log (shard). Any gap (missing
 * entry or proof, bad signature, other origin, altered hash) makes it "not verified".
 */
import { fromBase64, fromHex, equalBytes, leafHash, toHex, utf8, verifyInclusion } from './merkle';
import { openNote, parseCheckpoint, VerifierKey } from './note';

/** A ledger reference as the audit API lists it on an action. */
export interface LedgerRef {
  origin?: string;
  shard?: number;
  index: number;
  type?: string;
  leafHash: string;
}

/** GETs a ledger path (e.g. `/v1/ledger/entries/3?shard=1`) and returns its JSON, or throws. */
export type LedgerFetch = (path: string) => Promise<unknown>;

export interface EntryCheck {
  ref: LedgerRef;
  verified: boolean;
  /** Why it is not verified; or, when verified, the checkpoint it was verified against. */
  detail: string;
}

/** RFC 8785 canonical JSON for plain JSON values (what the ledger hashes an entry as). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
    .join(',')}}`;
}

/** The shard of a log origin: shard n > 0 is `<origin>/shard-<n>`, anything else shard 0. */
export function shardOf(ref: LedgerRef): number {
  if (typeof ref.shard === 'number') return ref.shard;
  const match = /\/shard-([1-9][0-9]*)$/.exec(ref.origin ?? '');
  return match ? Number(match[1]) : 0;
}

interface EntryAnswer {
  origin: string;
  index: number;
  leafHash: string;
  entry: unknown;
  proof: { leafIndex: number; treeSize: number; hashes: string[]; checkpoint: { note: string } };
}

export async function verifyEntry(fetchLedger: LedgerFetch, ref: LedgerRef, key: VerifierKey): Promise<EntryCheck> {
  const fail = (detail: string): EntryCheck => ({ ref, verified: false, detail });
  try {
    const answer = (await fetchLedger(`/v1/ledger/entries/${ref.index}?shard=${shardOf(ref)}`)) as EntryAnswer;
    if (!answer || typeof answer !== 'object' || !answer.proof?.checkpoint) return fail('no proof from the ledger');
    if (answer.index !== ref.index) return fail(`the ledger answered index ${answer.index}`);
    if (ref.origin !== undefined && answer.origin !== ref.origin) return fail(`the entry is in ${answer.origin}`);
    const leaf = await leafHash(utf8(canonicalJson(answer.entry)));
    if (!equalBytes(leaf, fromHex(ref.leafHash)))
      return fail(`the entry hashes to ${toHex(leaf)}, the audit record names ${ref.leafHash}`);
    const body = await openNote(answer.proof.checkpoint.note, key);
    const checkpoint = parseCheckpoint(body);
    if (checkpoint.origin !== answer.origin) return fail(`the checkpoint is of ${checkpoint.origin}`);
    if (answer.proof.leafIndex !== ref.index || answer.proof.treeSize !== checkpoint.size)
      return fail('the proof is for another index or tree size');
    const hashes = answer.proof.hashes.map(fromBase64);
    if (!(await verifyInclusion(ref.index, checkpoint.size, leaf, hashes, checkpoint.root)))
      return fail('the inclusion proof does not lead to the signed root');
    return { ref, verified: true, detail: `in ${checkpoint.origin} at size ${checkpoint.size}, signed by ${key.name}` };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Fills in the origin of references that carry neither origin nor shard (older audit records),
 * from the ledger's list of the action's entries, so each is asked of its own shard.
 */
async function withOrigins(
  fetchLedger: LedgerFetch,
  actionId: string,
  refs: readonly LedgerRef[],
): Promise<LedgerRef[]> {
  if (refs.every((r) => r.origin !== undefined || r.shard !== undefined)) return [...refs];
  try {
    const listed = (await fetchLedger(`/v1/ledger/entries?actionId=${encodeURIComponent(actionId)}`)) as {
      entries?: { origin: string; index: number; leafHash: string }[];
    };
    return refs.map((ref) => {
      if (ref.origin !== undefined || ref.shard !== undefined) return ref;
      const found = listed.entries?.find((e) => e.index === ref.index && e.leafHash === ref.leafHash);
      return found ? { ...ref, origin: found.origin } : ref;
    });
  } catch {
    return [...refs];
  }
}

/** Every entry of an action; verified only when there is at least one and all pass. */
export async function verifyEntries(
  fetchLedger: LedgerFetch,
  actionId: string,
  refs: readonly LedgerRef[],
  key: VerifierKey,
): Promise<{ verified: boolean; checks: EntryCheck[] }> {
  const resolved = await withOrigins(fetchLedger, actionId, refs);
  const checks = await Promise.all(resolved.map((ref) => verifyEntry(fetchLedger, ref, key)));
  return { verified: checks.length > 0 && checks.every((c) => c.verified), checks };
}
