import { nodeHash } from './hash';
import { Block, blocksCompletedBy } from './ranges';
import { foldBlocks } from './tree';

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
}

function trailingOnes(n: number): number {
  let count = 0;
  for (let v = n; v % 2 === 1; v = (v - 1) / 2) count += 1;
  return count;
}

/**
 * The right edge of a tree: the hashes of the complete subtrees that make up leaves [0, size),
 * largest first (one per set bit of size). Enough to append leaves and compute the root, so a
 * log's state and an auditor's running check need O(log n) memory.
 */
export class CompactRange {
  private readonly stack: Buffer[];

  constructor(
    private count = 0,
    hashes: readonly Uint8Array[] = [],
  ) {
    if (hashes.length !== popcount(count))
      throw new RangeError(`a range of ${count} leaves has ${popcount(count)} hashes`);
    this.stack = hashes.map((h) => Buffer.from(h));
  }

  get size(): number {
    return this.count;
  }

  get hashes(): readonly Buffer[] {
    return this.stack;
  }

  /** Appends a leaf hash; `onBlock` receives every complete subtree it finishes (level >= 1). */
  append(leaf: Uint8Array, onBlock?: (block: Block, hash: Buffer) => void): void {
    const blocks = onBlock ? blocksCompletedBy(this.count) : undefined;
    this.push(leaf, 0, (i, hash) => blocks && onBlock?.(blocks[i], hash));
  }

  /**
   * Appends the hash of a complete subtree of 2^level leaves, which must start at this range's
   * end (a multiple of 2^level): the same as appending its leaves one by one.
   */
  appendBlock(level: number, hash: Uint8Array): void {
    if (this.count % 2 ** level !== 0) {
      throw new RangeError(`a block of 2^${level} leaves cannot start at ${this.count}`);
    }
    this.push(hash, level);
  }

  private push(hash: Uint8Array, level: number, merged?: (i: number, hash: Buffer) => void): void {
    const span = 2 ** level;
    this.stack.push(Buffer.from(hash));
    // The new subtree merges with its left neighbour once per trailing 1 bit of count / span.
    for (let i = 0, merges = trailingOnes(this.count / span); i < merges; i++) {
      const right = this.stack.pop() as Buffer;
      const left = this.stack.pop() as Buffer;
      const node = nodeHash(left, right);
      this.stack.push(node);
      merged?.(i, node);
    }
    this.count += span;
  }

  root(): Buffer {
    return foldBlocks(this.stack);
  }
}
