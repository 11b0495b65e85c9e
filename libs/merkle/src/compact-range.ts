import { nodeHash } from './hash';
import { Block, blocksCompletedBy } from './ranges';
import { foldBlocks } from './tree';

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
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
    this.stack.push(Buffer.from(leaf));
    for (const block of blocksCompletedBy(this.count)) {
      const right = this.stack.pop() as Buffer;
      const left = this.stack.pop() as Buffer;
      const hash = nodeHash(left, right);
      this.stack.push(hash);
      onBlock?.(block, hash);
    }
    this.count += 1;
  }

  root(): Buffer {
    return foldBlocks(this.stack);
  }
}
