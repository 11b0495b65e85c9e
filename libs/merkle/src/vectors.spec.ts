import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { leafHash } from './hash';
import { MerkleTree } from './tree';
import { verifyConsistency, verifyInclusion } from './verify';

// The transparency-dev/merkle conformance vectors, read where they are kept (never copied here).
const repoRoot = path.resolve(__dirname, '../../..');
const beside = path.resolve(repoRoot, '../shared/eval/merkle');
const vectorsDir = existsSync(beside) ? beside : (process.env.MERKLE_VECTORS_DIR ?? beside);

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function load<T>(kind: string): Array<[string, T]> {
  const base = path.join(vectorsDir, kind);
  return readdirSync(base).flatMap((dir) =>
    readdirSync(path.join(base, dir))
      .filter((f) => f.endsWith('.json'))
      .map((f): [string, T] => [`${dir}/${f}`, JSON.parse(readFileSync(path.join(base, dir, f), 'utf8')) as T]),
  );
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

describe('RFC 6962 / 9162 conformance vectors', () => {
  const inclusion = load<InclusionCase>('inclusion');
  const consistency = load<ConsistencyCase>('consistency');

  it('finds both sets, with cases that must fail', () => {
    expect(inclusion.length).toBeGreaterThan(50);
    expect(consistency.length).toBeGreaterThan(50);
    expect(inclusion.some(([, c]) => c.wantErr)).toBe(true);
    expect(consistency.some(([, c]) => !c.wantErr)).toBe(true);
  });

  it.each(inclusion)('inclusion %s', (_name, c) => {
    const ok = verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), (c.proof ?? []).map(b64), b64(c.root));
    expect(ok).toBe(!c.wantErr);
  });

  it.each(consistency)('consistency %s', (_name, c) => {
    const ok = verifyConsistency(c.size1, c.size2, b64(c.root1), b64(c.root2), (c.proof ?? []).map(b64));
    expect(ok).toBe(!c.wantErr);
  });

  it('reproduces the reference tree of size 8 and its happy-path proofs', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const tree = new MerkleTree(leaves.map((hex) => leafHash(Buffer.from(hex, 'hex'))));
    expect(tree.root().toString('base64')).toBe('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');
    for (const [, c] of inclusion.filter(([, c]) => !c.wantErr && c.treeSize <= 8 && c.proof?.length)) {
      if (!tree.leaf(c.leafIdx).equals(b64(c.leafHash))) continue; // vectors on other trees
      expect(tree.inclusionProof(c.leafIdx, c.treeSize).map((h) => h.toString('base64'))).toEqual(c.proof);
    }
    for (const [, c] of consistency.filter(([, c]) => !c.wantErr && c.size2 <= 8 && c.proof?.length)) {
      if (!tree.root(c.size2).equals(b64(c.root2))) continue;
      expect(tree.consistencyProof(c.size1, c.size2).map((h) => h.toString('base64'))).toEqual(c.proof);
    }
  });
});
