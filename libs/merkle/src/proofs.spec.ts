import fc from 'fast-check';
import { leafHash, nodeHash, subtreeHash } from './hash';
import { CompactRange } from './compact-range';
import { blocksCompletedBy, blocksOf } from './ranges';
import { MerkleTree, rootOf } from './tree';
import { verifyConsistency, verifyInclusion } from './verify';

const leavesOf = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(`leaf ${i}`));

/** RFC 9162 MTH written straight from its definition, to check the block-based tree against. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const flip = (proof: Buffer[], at: number, bit: number): Buffer[] =>
  proof.map((h, i) => {
    if (i !== at) return h;
    const copy = Buffer.from(h);
    copy[bit >> 3] ^= 1 << (bit & 7);
    return copy;
  });

describe('Merkle tree', () => {
  const tree = new MerkleTree(leavesOf(300));

  it('computes the root as RFC 9162 defines it, for every prefix', () => {
    const leaves = leavesOf(300);
    for (let n = 1; n <= 300; n++) expect(tree.root(n).equals(mth(leaves.slice(0, n)))).toBe(true);
    expect(rootOf([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('lists the blocks a leaf completes', () => {
    expect(blocksCompletedBy(0)).toEqual([]);
    expect(blocksCompletedBy(3)).toEqual([
      { level: 1, index: 1 },
      { level: 2, index: 0 },
    ]);
  });

  it('verifies every inclusion proof for random sizes and indices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, i) => {
        const index = i % size;
        const proof = tree.inclusionProof(index, size);
        return verifyInclusion(index, size, tree.leaf(index), proof, tree.root(size));
      }),
      { numRuns: 500 },
    );
  });

  it('verifies every consistency proof for random size pairs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), (a, b) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        return verifyConsistency(m, n, tree.root(m), tree.root(n), tree.consistencyProof(m, n));
      }),
      { numRuns: 500 },
    );
  });

  it('fails an inclusion proof with any bit flipped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), fc.nat(), fc.nat(255), (size, i, at, bit) => {
        const index = i % size;
        const proof = tree.inclusionProof(index, size);
        const bad = flip(proof, at % proof.length, bit);
        return !verifyInclusion(index, size, tree.leaf(index), bad, tree.root(size));
      }),
      { numRuns: 500 },
    );
  });

  it('fails a consistency proof with any bit flipped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 299 }),
        fc.integer({ min: 2, max: 300 }),
        fc.nat(),
        fc.nat(255),
        (a, b, at, bit) => {
          const [m, n] = a < b ? [a, b] : [b - 1, b];
          if (m === 0) return true;
          const proof = tree.consistencyProof(m, n);
          const bad = flip(proof, at % proof.length, bit);
          return !verifyConsistency(m, n, tree.root(m), tree.root(n), bad);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('does not accept a node hash passed off as a leaf', () => {
    const small = new MerkleTree(leavesOf(4));
    const node = nodeHash(small.leaf(0), small.leaf(1));
    // An attacker offers the node's preimage (left || right) as an entry, claiming the tree has
    // two leaves. The verifier hashes entries itself, as leaves (0x00), so it gets no node hash.
    const forgedEntry = Buffer.concat([small.leaf(0), small.leaf(1)]);
    const sibling = nodeHash(small.leaf(2), small.leaf(3));
    expect(verifyInclusion(0, 2, node, [sibling], small.root())).toBe(true); // what a bare hash would allow
    expect(verifyInclusion(0, 2, leafHash(forgedEntry), [sibling], small.root())).toBe(false);
    expect(leafHash(Buffer.concat([Uint8Array.of(0x01), forgedEntry])).equals(node)).toBe(false);
  });
});

describe('CompactRange', () => {
  it('tracks the root of every prefix and reports the blocks it completes', () => {
    const leaves = leavesOf(70);
    const tree = new MerkleTree(leaves);
    const range = new CompactRange();
    const blocks: string[] = [];
    leaves.forEach((leaf, i) => {
      range.append(leaf, (b, h) => {
        expect(h.equals(tree.block(b) as Buffer)).toBe(true);
        blocks.push(`${b.level}/${b.index}`);
      });
      expect(range.root().equals(tree.root(i + 1))).toBe(true);
    });
    expect(blocks).toHaveLength(35 + 17 + 8 + 4 + 2 + 1); // floor(70 / 2^level) per level
    expect(() => new CompactRange(3, [])).toThrow(RangeError);
    const resumed = new CompactRange(40, rangeAt(leaves, 40).hashes);
    for (const leaf of leaves.slice(40)) resumed.append(leaf);
    expect(resumed.root().equals(tree.root())).toBe(true);
  });

  it('appending the aligned blocks of any split of the leaves gives the roots of appending the leaves', () => {
    const leaves = leavesOf(200);
    const tree = new MerkleTree(leaves);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 199 }), { maxLength: 8 }), (cuts) => {
        const range = new CompactRange();
        let start = 0;
        for (const end of [...cuts.sort((a, b) => a - b), 200]) {
          for (const b of blocksOf({ start, end })) range.appendBlock(b.level, tree.block(b));
          expect(range.size).toBe(end);
          expect(range.root().equals(tree.root(end))).toBe(true);
          start = end;
        }
      }),
    );
    for (const level of [0, 1, 3, 6]) {
      const block = { level, index: 1 };
      const span = 2 ** level;
      expect(subtreeHash(Buffer.concat(leaves.slice(span, 2 * span))).equals(tree.block(block) as Buffer)).toBe(true);
    }
    expect(() => subtreeHash(Buffer.concat(leaves.slice(0, 3)))).toThrow(RangeError);
    const at3 = rangeAt(leaves, 3);
    expect(() => at3.appendBlock(1, tree.block({ level: 1, index: 2 }))).toThrow(RangeError);
  });
});

function rangeAt(leaves: Buffer[], size: number): CompactRange {
  const r = new CompactRange();
  for (const leaf of leaves.slice(0, size)) r.append(leaf);
  return r;
}
