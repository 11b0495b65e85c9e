/**
 * The explorer's in-browser verification, run here on Node's WebCrypto: the Merkle path check
 * against the RFC 6962/9162 conformance vectors libs/merkle is tested with, hashing and signed
 * notes against libs/merkle's own implementation, and whole-entry checks that must fail when
 * anything is altered or missing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import * as ref from '@verity/merkle';
import { fromBase64, leafHash, nodeHash, toHex, utf8, verifyInclusion } from './merkle';
import { openNote, parseVerifierKey } from './note';
import { canonicalJson, LedgerFetch, shardOf, verifyEntries, verifyEntry } from './verify-entry';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const repoRoot = path.resolve(__dirname, '../../../../..');
const beside = path.resolve(repoRoot, '../shared/eval/merkle');
const vectorsDir = existsSync(beside) ? beside : (process.env.MERKLE_VECTORS_DIR ?? beside);

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}

function inclusionVectors(): Array<[string, InclusionCase]> {
  const base = path.join(vectorsDir, 'inclusion');
  return readdirSync(base).flatMap((dir) =>
    readdirSync(path.join(base, dir))
      .filter((f) => f.endsWith('.json'))
      .map((f): [string, InclusionCase] => [
        `${dir}/${f}`,
        JSON.parse(readFileSync(path.join(base, dir, f), 'utf8')) as InclusionCase,
      ]),
  );
}

describe('Merkle path check (WebCrypto)', () => {
  const vectors = inclusionVectors();

  it('has the vectors, including ones that must fail', () => {
    expect(vectors.length).toBeGreaterThan(50);
    expect(vectors.some(([, c]) => c.wantErr)).toBe(true);
    expect(vectors.some(([, c]) => !c.wantErr)).toBe(true);
  });

  it.each(vectors)('inclusion %s', async (_name, c) => {
    const ok = await verifyInclusion(
      c.leafIdx,
      c.treeSize,
      fromBase64(c.leafHash),
      (c.proof ?? []).map(fromBase64),
      fromBase64(c.root),
    );
    expect(ok).toBe(!c.wantErr);
  });

  it('hashes leaves and nodes as libs/merkle does', async () => {
    const data = utf8('{"a":1}');
    expect(toHex(await leafHash(data))).toBe(ref.leafHash(Buffer.from(data)).toString('hex'));
    const [l, r] = [ref.leafHash('l'), ref.leafHash('r')];
    expect(toHex(await nodeHash(l, r))).toBe(ref.nodeHash(l, r).toString('hex'));
  });

  it('verifies every leaf of a 13-leaf tree at every size, and refuses a proof for the wrong index', async () => {
    const tree = new ref.MerkleTree(Array.from({ length: 13 }, (_, i) => ref.leafHash(`leaf ${i}`)));
    for (let size = 1; size <= 13; size++) {
      for (let i = 0; i < size; i++) {
        const proof = tree.inclusionProof(i, size);
        expect(await verifyInclusion(i, size, tree.leaf(i), proof, tree.root(size))).toBe(true);
        if (size > 1)
          expect(await verifyInclusion((i + 1) % size, size, tree.leaf(i), proof, tree.root(size))).toBe(false);
      }
    }
  });
});

describe('signed checkpoints (WebCrypto Ed25519)', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const name = 'verity.test/ledger';
  const verifierText = ref.formatVerifierKey(name, ref.rawPublicKey(privateKey));
  const body = ref.formatCheckpoint({ origin: name, size: 5, root: ref.leafHash('x') });
  const note = ref.signNote(body, { name, privateKey });

  it('opens a note libs/merkle signed', async () => {
    const key = await parseVerifierKey(verifierText);
    expect(await openNote(note, key)).toBe(body);
  });

  it('refuses an altered body, another key, and a key whose id does not match', async () => {
    const key = await parseVerifierKey(verifierText);
    await expect(openNote(note.replace('\n5\n', '\n6\n'), key)).rejects.toThrow('signature does not verify');
    const other = ref.signNote(body, { name, privateKey: generateKeyPairSync('ed25519').privateKey });
    await expect(openNote(other, key)).rejects.toThrow(/no signature/);
    await expect(parseVerifierKey(verifierText.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).rejects.toThrow('id');
  });
});

describe('verifying a ledger entry', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const origin = 'verity.test/ledger/shard-2';
  const keyName = 'verity.test/ledger';
  const entries = Array.from({ length: 7 }, (_, i) => ({
    schema: 1,
    origin,
    eventId: `event-${i}`,
    eventType: 'verity.action.requested.v1',
    sessionId: 's',
    sessionSeq: i,
    occurredAt: '2026-01-01T00:00:00.000Z',
    payloadSha256: 'ab'.repeat(32),
    payloadSize: 10 + i,
  }));
  const leaves = entries.map((e) => ref.leafHash(canonicalJson(e)));
  const tree = new ref.MerkleTree(leaves);
  const note = ref.signNote(ref.formatCheckpoint({ origin, size: 7, root: tree.root() }), {
    name: keyName,
    privateKey,
  });

  /** The ledger's answer for entry `i` (what GET /v1/ledger/entries/:index returns), altered by `edit`. */
  const ledger =
    (edit: (answer: Json) => void = () => undefined, asked: string[] = []): LedgerFetch =>
    async (p) => {
      asked.push(p);
      if (p.startsWith('/v1/ledger/entries?actionId='))
        return { entries: entries.map((e, i) => ({ origin, index: i, leafHash: leaves[i].toString('hex') })) };
      const i = Number(/entries\/(\d+)/.exec(p)?.[1]);
      if (!(i < entries.length)) throw new Error('404 LEDGER.ENTRY_NOT_FOUND');
      const answer = {
        origin,
        index: i,
        leafHash: leaves[i].toString('hex'),
        entry: structuredClone(entries[i]),
        proof: {
          leafIndex: i,
          treeSize: 7,
          hashes: tree.inclusionProof(i, 7).map((h) => h.toString('base64')),
          checkpoint: { note },
        },
      };
      edit(answer);
      return answer;
    };
  const refOf = (i: number) => ({
    origin,
    index: i,
    type: 'verity.action.requested.v1',
    leafHash: leaves[i].toString('hex'),
  });
  const key = () => parseVerifierKey(ref.formatVerifierKey(keyName, ref.rawPublicKey(privateKey)));

  it('canonicalises like RFC 8785 (sorted keys, no blanks)', () => {
    expect(canonicalJson({ b: 1, a: 'x', c: [true, null, { z: 1, y: 2 }] })).toBe(
      '{"a":"x","b":1,"c":[true,null,{"y":2,"z":1}]}',
    );
  });

  it('asks the shard the origin names', async () => {
    const asked: string[] = [];
    const check = await verifyEntry(ledger(undefined, asked), refOf(3), await key());
    expect(check).toMatchObject({ verified: true });
    expect(asked).toEqual(['/v1/ledger/entries/3?shard=2']);
    expect(shardOf({ index: 0, leafHash: '', shard: 4 })).toBe(4);
    expect(shardOf({ index: 0, leafHash: '', origin: 'verity.test/ledger' })).toBe(0);
  });

  it('verifies every entry of an action, finding the origin when the reference has none', async () => {
    const refs = [0, 4, 6].map((i) => ({ index: i, leafHash: leaves[i].toString('hex') }));
    const asked: string[] = [];
    const result = await verifyEntries(ledger(undefined, asked), 'action-1', refs, await key());
    expect(result.verified).toBe(true);
    expect(asked).toContain('/v1/ledger/entries/4?shard=2');
  });

  it.each<[string, (a: Json) => void]>([
    ['a proof hash flipped', (a) => (a.proof.hashes[0] = ref.leafHash('other').toString('base64'))],
    ['a proof hash dropped', (a) => a.proof.hashes.pop()],
    ['the entry altered', (a) => (a.entry.payloadSize = 999)],
    [
      'the checkpoint note altered',
      (a) => (a.proof.checkpoint.note = a.proof.checkpoint.note.replace('\n7\n', '\n8\n')),
    ],
    ['no proof', (a) => delete a.proof],
    ['another origin', (a) => (a.origin = 'verity.test/ledger')],
  ])('does not verify with %s', async (_name, edit) => {
    const check = await verifyEntry(ledger(edit), refOf(5), await key());
    expect(check.verified).toBe(false);
    expect(check.detail).not.toBe('');
  });

  it('does not verify a missing entry, a leaf hash the audit record does not name, or no entries at all', async () => {
    expect((await verifyEntry(ledger(), { origin, index: 9, leafHash: 'ab'.repeat(32) }, await key())).verified).toBe(
      false,
    );
    expect((await verifyEntry(ledger(), { ...refOf(2), leafHash: 'cd'.repeat(32) }, await key())).verified).toBe(false);
    expect((await verifyEntries(ledger(), 'a', [], await key())).verified).toBe(false);
  });

  it('does not verify against a key other than the ledger’s', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const wrong = await parseVerifierKey(ref.formatVerifierKey(keyName, ref.rawPublicKey(other)));
    expect((await verifyEntry(ledger(), refOf(1), wrong)).verified).toBe(false);
  });
});
