import canonicalize from 'canonicalize';
import { BUNDLE_FORMAT_LINES, BundleEntry, EvidenceBundle } from './evidence-bundle';
import { BundleHeader, checkEntries, CheckedEntries, Failure, RawEntry } from './verify-bundle';

/*
 * An evidence bundle as lines (UTF-8, each line ending in \n):
 *   line 1: the bundle without its entries, as JSON, with manifest.format BUNDLE_FORMAT_LINES;
 *   then one line per entry: [index,entryBytes,payloadBytes,<entry>,<payload>]
 * where <entry> and <payload> are the committed bytes themselves (RFC 8785 canonical JSON, so
 * every line is JSON too and never holds a raw newline) and the two counts their lengths in
 * bytes. A reader slices the committed bytes out by those lengths without unescaping anything,
 * and can cut the file at any line end to check the pieces side by side. A line that does not
 * fit (re-indented, say) is parsed as JSON and its objects canonicalised; the hashes decide
 * either way, so no framing, right or wrong, makes altered bytes pass.
 */

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/** The lines of a bundle, a few hundred entries per string. */
export function* bundleLines(bundle: EvidenceBundle): Generator<string> {
  const { entries, ...header } = bundle;
  yield `${JSON.stringify({ ...header, manifest: { ...header.manifest, format: BUNDLE_FORMAT_LINES } })}\n`;
  for (let i = 0; i < entries.length; i += 256)
    yield entries
      .slice(i, i + 256)
      .map(entryLine)
      .join('');
}

function entryLine(e: BundleEntry): string {
  const payload = typeof e.payload === 'string' ? e.payload : (canonicalize(e.payload) as string);
  return `[${e.index},${Buffer.byteLength(e.entry)},${Buffer.byteLength(payload)},${e.entry},${payload}]\n`;
}

/** A lines bundle's first line, and where its entries start. */
export interface LinesHeader {
  header: BundleHeader;
  entriesStart: number;
}

/** The header of a lines bundle, or undefined when `bytes` is not one. */
export function readLinesHeader(bytes: Buffer): LinesHeader | undefined {
  const eol = bytes.indexOf(NEWLINE);
  if (eol < 0) return undefined;
  let header: BundleHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, eol)) as BundleHeader;
  } catch {
    return undefined;
  }
  if (header?.manifest?.format !== BUNDLE_FORMAT_LINES) return undefined;
  return { header, entriesStart: eol + 1 };
}

/** Cuts [start, end) at line ends into slices of about `size` bytes. */
export function sliceLines(bytes: Buffer, start: number, end: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let a = start; a < end;) {
    const eol = a + size >= end ? -1 : bytes.indexOf(NEWLINE, a + size);
    const b = eol < 0 || eol >= end ? end : eol + 1;
    out.push([a, b]);
    a = b;
  }
  return out;
}

/**
 * The per-entry checks of the entry lines in [start, end) (which starts at a line start), with
 * the leaves folded from the first entry's index on (the verifier uses them when that is where
 * the slice really starts), cut at the tree sizes in `cuts`.
 */
export function checkLines(
  bytes: Buffer,
  start: number,
  end: number,
  origin: string,
  cuts: readonly number[],
): CheckedEntries {
  const entries: RawEntry[] = [];
  const failures: Failure[] = [];
  for (let p = start; p < end;) {
    const fast = sliceLine(bytes, p, end);
    if (fast) {
      entries.push(fast.entry);
      p = fast.next;
      continue;
    }
    let eol = bytes.indexOf(NEWLINE, p);
    if (eol < 0 || eol > end) eol = end;
    if (eol > p) {
      const parsed = parseLine(bytes.toString('utf8', p, eol));
      if (parsed) entries.push(parsed);
      else failures.push({ check: 'line', where: `byte ${p}`, message: 'not an entry line' });
    }
    p = eol + 1;
  }
  const checked = checkEntries(entries, origin, entries.length > 0 ? { start: entries[0].index, cuts } : undefined);
  checked.failures.unshift(...failures);
  return checked;
}

/** The fast path: `[index,entryBytes,payloadBytes,` then the two byte ranges, `]` and the line end. */
function sliceLine(bytes: Buffer, p: number, end: number): { entry: RawEntry; next: number } | undefined {
  if (bytes[p] !== OPEN) return undefined;
  let q = p + 1;
  const counts = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    let value = 0;
    let digits = 0;
    for (; q < end && bytes[q] >= 0x30 && bytes[q] <= 0x39 && digits < 15; q++, digits++) {
      value = value * 10 + bytes[q] - 0x30;
    }
    if (digits === 0 || bytes[q] !== COMMA) return undefined;
    counts[k] = value;
    q++;
  }
  const [index, entryLength, payloadLength] = counts;
  const entryEnd = q + entryLength;
  const payloadEnd = entryEnd + 1 + payloadLength;
  if (payloadEnd >= end || bytes[entryEnd] !== COMMA || bytes[payloadEnd] !== CLOSE) return undefined;
  const next = payloadEnd + 1;
  if (next < end && bytes[next] !== NEWLINE) return undefined;
  return {
    entry: {
      index,
      entry: bytes.toString('utf8', q, entryEnd),
      payload: bytes.toString('utf8', entryEnd + 1, payloadEnd),
      payloadBytes: bytes.subarray(entryEnd + 1, payloadEnd),
    },
    next: next + 1,
  };
}

/** The slow path: any JSON array [index, _, _, entry object, payload]. */
function parseLine(text: string): RawEntry | undefined {
  try {
    const line = JSON.parse(text) as unknown[];
    const [index, , , entry, payload] = line;
    if (!Array.isArray(line) || line.length !== 5 || !Number.isSafeInteger(index)) return undefined;
    if (typeof entry !== 'object' || entry === null) return undefined;
    return { index: index as number, entry: canonicalize(entry) as string, payload: payload as RawEntry['payload'] };
  } catch {
    return undefined;
  }
}
