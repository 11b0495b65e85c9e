import { EMPTY_ROOT, nodeHash } from './hash';
import { Block, blocksOf, consistencyRanges, inclusionRanges, Range } from './ranges';

/** Folds a range's blocks (left to right) into its Merkle tree hash. */
export function foldBlocks(hashes: Uint8Array[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc: Buffer = Buffer.from(hashes[hashes.length - 1]);
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/** Reads the hash of a complete aligned subtree (level 0 = a leaf hash). */
export type BlockReader = (block: Block) => Uint8Array;

/** Merkle tree hash of a range from block hashes. */
export function rangeHash(range: Range, read: BlockReader): Buffer {
  return foldBlocks(blocksOf(range).map(read));
}

/**
 * An in-memory RFC 9162 tree over leaf hashes, keeping every complete subtree's hash, so roots,
 * inclusion and consistency proofs for any size cost O(log n).
 */
export class MerkleTree {
  /** levels[l][i] = hash of block (l, i). */
  private readonly levels: Buffer[][] = [[]];

  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const leaf of leafHashes) this.append(leaf);
  }

  get size(): number {
    return this.levels[0].length;
  }

  append(leaf: Uint8Array): void {
    let hash: Buffer = Buffer.from(leaf);
    this.levels[0].push(hash);
    for (let level = 0; this.levels[level].length % 2 === 0; level++) {
      const row = this.levels[level];
      hash = nodeHash(row[row.length - 2], row[row.length - 1]);
      (this.levels[level + 1] ??= []).push(hash);
    }
  }

  readonly block: BlockReader = ({ level, index }) => {
    const hash = this.levels[level]?.[index];
    if (!hash) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return hash;
  };

  root(size = this.size): Buffer {
    this.assertSize(size);
    return rangeHash({ start: 0, end: size }, this.block);
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    this.assertSize(size);
    return inclusionRanges(index, size).map((r) => rangeHash(r, this.block));
  }

  consistencyProof(size1: number, size2 = this.size): Buffer[] {
    this.assertSize(size2);
    return consistencyRanges(size1, size2).map((r) => rangeHash(r, this.block));
  }

  leaf(index: number): Buffer {
    return this.block({ level: 0, index }) as Buffer;
  }

  private assertSize(size: number): void {
    if (size > this.size) throw new RangeError(`tree has ${this.size} leaves, not ${size}`);
  }
}

/** Merkle tree hash of a list of leaf hashes. */
export function rootOf(leafHashes: Uint8Array[]): Buffer {
  return new MerkleTree(leafHashes).root();
}
