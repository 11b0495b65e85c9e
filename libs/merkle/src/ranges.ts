/**
 * Proofs as lists of subtree ranges. Every hash in an RFC 9162 proof is the Merkle tree hash
 * of a contiguous range of leaves; a store that keeps the hash of every complete, aligned
 * subtree (a "block") can answer any range with at most log2(n) reads (see `blocksOf`).
 */

/** Leaves [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** The complete subtree of 2^level leaves starting at leaf index * 2^level. */
export interface Block {
  level: number;
  index: number;
}

/** Largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function assertSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
}

/** The ranges whose hashes form PATH(index, D[0:size]), leaf-side first (RFC 9162 §2.1.3.1). */
export function inclusionRanges(index: number, size: number): Range[] {
  assertSize('index', index);
  assertSize('size', size);
  if (index >= size) throw new RangeError(`index ${index} is outside a tree of size ${size}`);
  const out: Range[] = [];
  const walk = (m: number, start: number, n: number): void => {
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, k);
      out.push({ start: start + k, end: start + n });
    } else {
      walk(m - k, start + k, n - k);
      out.push({ start, end: start + k });
    }
  };
  walk(index, 0, size);
  return out;
}

/** The ranges whose hashes form PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1). Empty when m = n or m = 0. */
export function consistencyRanges(m: number, n: number): Range[] {
  assertSize('size1', m);
  assertSize('size2', n);
  if (m > n) throw new RangeError(`size1 ${m} is greater than size2 ${n}`);
  const out: Range[] = [];
  if (m === 0 || m === n) return out;
  const sub = (m1: number, start: number, n1: number, whole: boolean): void => {
    if (m1 === n1) {
      if (!whole) out.push({ start, end: start + n1 });
      return;
    }
    const k = splitPoint(n1);
    if (m1 <= k) {
      sub(m1, start, k, whole);
      out.push({ start: start + k, end: start + n1 });
    } else {
      sub(m1 - k, start + k, n1 - k, false);
      out.push({ start, end: start + k });
    }
  };
  sub(m, 0, n, true);
  return out;
}

/**
 * The complete aligned subtrees that make up a range, left to right, in the shape RFC 9162
 * hashes it (valid for every range a proof or a root asks for: its start is a multiple of the
 * largest power of two not above its length, or it starts at 0).
 */
export function blocksOf(range: Range): Block[] {
  const blocks: Block[] = [];
  let start = range.start;
  while (start < range.end) {
    let size = 1;
    while (start % (size * 2) === 0 && start + size * 2 <= range.end) size *= 2;
    blocks.push({ level: Math.log2(size), index: start / size });
    start += size;
  }
  return blocks;
}

/** The complete subtrees (blocks) finished by appending leaf `index`, lowest first, above level 0. */
export function blocksCompletedBy(index: number): Block[] {
  const out: Block[] = [];
  for (let level = 1, span = 2; (index + 1) % span === 0; level++, span *= 2) {
    out.push({ level, index: (index + 1) / span - 1 });
  }
  return out;
}
