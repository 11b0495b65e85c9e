import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { ActionDecided, ActorV1, createEvent, newId } from '@verity/contracts';
import {
  leafHash,
  MerkleTree,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from '@verity/merkle';
import { bootstrapService } from '@verity/platform';
import { actionRequestedEvent, useTestEnvironment, waitFor } from '@verity/testing';
import { DataSource } from 'typeorm';
import { EntriesService } from '../src/entries/entries.service';
import { BUNDLE_FORMAT_LINES, EvidenceBundle } from '../src/evidence/evidence-bundle';
import { verifyBundle } from '../src/evidence/verify-bundle';
import { verifyLines } from '../src/evidence/verify-files';
import { LEDGER_APP, LedgerModule } from '../src/ledger.module';

// A log of its own (unique origin, appends in-process, no consumer group) so its sizes and roots
// are exactly what this test appended, while other tests share the database.

const actor: ActorV1 = { subject: 'proofs-test', issuer: 'urn:test', kind: 'agent', actingParties: [], groups: [] };
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

interface CheckpointView {
  origin: string;
  size: number;
  rootHash: string;
  note: string;
  keyId: string;
}
interface Proof {
  leafIndex: number;
  treeSize: number;
  hashes: string[];
  checkpoint: CheckpointView;
}

jest.setTimeout(60_000);

describe('ledger checkpoints, proofs and evidence (real PostgreSQL)', () => {
  const origin = `verity.test/proofs-${newId()}`;
  let app: INestApplication;
  let base: string;
  let entries: EntriesService;
  let db: DataSource;
  const leaves: Buffer[] = [];
  const sessionId = `proofs-test-${newId()}`;

  const call = async <T = Record<string, unknown>>(method: string, p: string) => {
    const res = await fetch(`${base}${p}`, { method });
    return { status: res.status, body: (await res.json()) as T };
  };
  const append = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const event = actionRequestedEvent({
        sessionId,
        actor,
        connection: 'proofs-db',
        sql: `SELECT ${leaves.length}`,
        payloadDigest: 'c'.repeat(64),
      });
      const result = await entries.append(event);
      if (result.outcome !== 'appended') throw new Error(`not appended: ${result.outcome}`);
      for (const e of result.entries) leaves.push(Buffer.from(e.leafHash, 'hex'));
    }
  };

  beforeAll(async () => {
    useTestEnvironment({
      LEDGER_ORIGIN: origin,
      LEDGER_CHECKPOINT_INTERVAL_MS: '600000',
      VERITY_HOME: mkdtempSync(path.join(tmpdir(), 'verity-ledger-keys-')),
    });
    app = await bootstrapService(LedgerModule, { app: LEDGER_APP, port: 0, consumers: [] });
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    entries = app.get(EntriesService);
    db = app.get(DataSource);
    await waitFor(async () => (await call('GET', '/health/ready')).status === 200, { what: 'ledger ready' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('has no checkpoint before the first entry', async () => {
    expect((await call('GET', '/v1/ledger/checkpoint')).status).toBe(404);
  });

  it('signs a checkpoint on demand whose note verifies with the served key and whose root is the tree of the entries', async () => {
    await append(25);
    const signed = await call<CheckpointView>('POST', '/v1/ledger/checkpoint');
    expect(signed.status).toBe(200);
    const key = await call<{ verifierKey: string; keyId: string; name: string }>('GET', '/v1/ledger/public-key');
    const verifier = parseVerifierKey(key.body.verifierKey);
    expect(key.body.keyId).toBe(verifier.keyId.toString('hex'));
    const checkpoint = parseCheckpoint(openNote(signed.body.note, verifier));
    expect(checkpoint).toMatchObject({ origin, size: 25 });
    expect(checkpoint.root.equals(new MerkleTree(leaves).root())).toBe(true);
    expect((await call<CheckpointView>('GET', '/v1/ledger/checkpoint')).body.size).toBe(25);
  });

  it('serves an entry with an inclusion proof to the latest checkpoint, by index and by event id', async () => {
    const byIndex = await call<{ leafHash: string; event: { id: string }; proof: Proof }>(
      'GET',
      '/v1/ledger/entries/0',
    );
    // index 0 of the shared database may belong to another origin's test: use our own entry via its event id.
    const ours = await db.query(`SELECT event_id, index FROM ledger.entries WHERE origin = $1 AND index = 7`, [origin]);
    const byId = await call<{ index: number; leafHash: string; proof: Proof }>(
      'GET',
      `/v1/ledger/events/${ours[0].event_id}`,
    );
    expect(byId.status).toBe(200);
    expect(byId.body.index).toBe(7);
    const { proof } = byId.body;
    expect(proof.treeSize).toBe(25);
    expect(verifyInclusion(7, 25, leaves[7], proof.hashes.map(b64), b64(proof.checkpoint.rootHash))).toBe(true);
    expect(byIndex.status).toBe(200);
    expect(byIndex.body.proof.hashes.length).toBeGreaterThan(0);
  });

  it('proves consistency between two checkpoints and lists the history', async () => {
    await append(10);
    const second = await call<CheckpointView>('POST', '/v1/ledger/checkpoint');
    expect(second.body.size).toBe(35);
    const proof = await call<{ hashes: string[] }>('GET', '/v1/ledger/proofs/consistency?from=25&to=35');
    const first = new MerkleTree(leaves.slice(0, 25)).root();
    expect(verifyConsistency(25, 35, first, b64(second.body.rootHash), proof.body.hashes.map(b64))).toBe(true);
    const history = await call<{ checkpoints: CheckpointView[] }>('GET', '/v1/ledger/checkpoints');
    expect(history.body.checkpoints.map((c) => c.size)).toEqual([25, 35]);
    expect((await call('GET', '/v1/ledger/proofs/consistency?from=30&to=99')).status).toBe(400);
  });

  it('exports evidence that the offline verifier accepts, whole and from the middle', async () => {
    const key = (await call<{ verifierKey: string }>('GET', '/v1/ledger/public-key')).body.verifierKey;
    const whole = await call<EvidenceBundle>('GET', '/v1/ledger/evidence');
    expect(whole.status).toBe(200);
    expect(whole.body.entries).toHaveLength(35);
    expect(verifyBundle(whole.body, { pinnedKeys: [key] }).failures).toEqual([]);
    const kept = (await call<{ checkpoints: CheckpointView[] }>('GET', '/v1/ledger/checkpoints')).body.checkpoints[0]
      .note;
    const part = await call<EvidenceBundle>('GET', '/v1/ledger/evidence?from=30&since=25');
    expect(part.body.manifest).toMatchObject({ from: 30, to: 35 });
    expect(verifyBundle(part.body, { pinnedKeys: [key], previous: kept }).failures).toEqual([]);
    const tampered = JSON.parse(JSON.stringify(whole.body)) as EvidenceBundle;
    // v2 bundles carry each payload as the bytes committed; tamper with those.
    tampered.entries[3].payload = (tampered.entries[3].payload as string).replace('proofs-db', 'elsewhere');
    expect(verifyBundle(tampered, { pinnedKeys: [key] }).failures).toContainEqual(
      expect.objectContaining({ check: 'payload', where: 'index 3' }),
    );
  });

  it('exports the same evidence as lines, which the verifier accepts and which carries the committed bytes', async () => {
    const key = (await call<{ verifierKey: string }>('GET', '/v1/ledger/public-key')).body.verifierKey;
    const whole = (await call<EvidenceBundle>('GET', '/v1/ledger/evidence?to=35')).body;
    const res = await fetch(`${base}/v1/ledger/evidence?to=35&format=lines`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/jsonl/);
    const text = await res.text();
    const [header, ...lines] = text.trimEnd().split('\n');
    expect(JSON.parse(header)).toMatchObject({ manifest: { format: BUNDLE_FORMAT_LINES, from: 0, to: 35 } });
    expect(lines.map((l) => JSON.parse(l) as unknown[])).toEqual(
      whole.entries.map((e) => [
        e.index,
        Buffer.byteLength(e.entry),
        Buffer.byteLength(e.payload as string),
        JSON.parse(e.entry),
        JSON.parse(e.payload as string),
      ]),
    );
    expect(verifyLines(Buffer.from(text), { pinnedKeys: [key] }).failures).toEqual([]);
    expect((await fetch(`${base}/v1/ledger/evidence?format=xml`)).status).toBe(400);
  });

  it('serves the log through the C2SP tlog-tiles read API', async () => {
    const note = await (await fetch(`${base}/v1/ledger/tlog/checkpoint`)).text();
    expect(note).toBe((await call<CheckpointView>('GET', '/v1/ledger/checkpoint')).body.note);
    const tile = await fetch(`${base}/v1/ledger/tlog/tile/0/000.p/35`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await tile.arrayBuffer()).equals(Buffer.concat(leaves.slice(0, 35)))).toBe(true);
    const bundle = Buffer.from(await (await fetch(`${base}/v1/ledger/tlog/tile/entries/000.p/35`)).arrayBuffer());
    const fromTiles: Buffer[] = [];
    for (let at = 0; at < bundle.length;) {
      const len = bundle.readUInt16BE(at);
      fromTiles.push(leafHash(bundle.subarray(at + 2, at + 2 + len)));
      at += 2 + len;
    }
    expect(Buffer.concat(fromTiles).equals(Buffer.concat(leaves.slice(0, 35)))).toBe(true);
    expect((await fetch(`${base}/v1/ledger/tlog/tile/0/000`)).status).toBe(404); // not full yet
    expect((await fetch(`${base}/v1/ledger/tlog/tile/0/000.p/36`)).status).toBe(404); // beyond the checkpoint
  });

  it('refuses to sign a tree that does not extend the last signed checkpoint', async () => {
    // A checkpoint of size 36 with a root this log never had (as if the tree had been rewritten).
    await db.query(
      `INSERT INTO ledger.checkpoints (origin, size, root_hash, note, key_id) VALUES ($1, 36, $2, 'forged', 'none')`,
      [origin, leafHash('not this log').toString('base64')],
    );
    await append(2);
    const refused = await call<{ error: { code: string } }>('POST', '/v1/ledger/checkpoint');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('LEDGER.CHECKPOINT_REJECTED');
    expect((await call<CheckpointView>('GET', '/v1/ledger/checkpoint')).body.size).toBe(36);
  });

  it('appends a batch exactly once, in causal order, in one transaction', async () => {
    const actionId = newId();
    const requested = actionRequestedEvent({
      actionId,
      sessionId,
      actor,
      connection: 'proofs-db',
      payloadDigest: 'd'.repeat(64),
    });
    const decided = createEvent(ActionDecided, {
      source: '/verity/policy',
      actionId,
      sessionId,
      actor,
      causationId: requested.id,
      data: { decision: 'allow', reasons: ['test'], policyIds: [], bundleRevision: 'r1', obligations: {} },
    });
    const forged = { ...requested, data: { ...requested.data, payload: { sql: 'DROP TABLE x', params: [] } } };
    const results = await entries.appendBatch([decided, requested, requested, forged]);
    expect(results.map((r) => r.outcome)).toEqual(['parked', 'appended', 'duplicate', 'conflict']);
    const appended = results[1].outcome === 'appended' ? results[1].entries : [];
    expect(appended.map((e) => e.eventId)).toEqual([requested.id, decided.id]);
    expect(appended[1].index).toBe(appended[0].index + 1);
    expect(appended[1].sessionSeq).toBe(appended[0].sessionSeq + 1);
    expect((await entries.appendBatch([decided]))[0].outcome).toBe('duplicate');
    const parked = await db.query(`SELECT 1 FROM ledger.parked WHERE event_id = $1`, [decided.id]);
    expect(parked).toHaveLength(0);
  });

  it('keeps one log per shard: its own origin, indices, checkpoints, proofs, evidence and tiles', async () => {
    const shard = 3;
    const shardOrigin = `${origin}/shard-${shard}`;
    const events = Array.from({ length: 5 }, (_, i) =>
      actionRequestedEvent({ sessionId: `shard-${sessionId}`, actor, connection: 'proofs-db', sql: `SELECT ${i}` }),
    );
    const results = await entries.appendBatch(events, shard);
    const appended = results.flatMap((r) => (r.outcome === 'appended' ? r.entries : []));
    expect(appended.map((e) => [e.origin, e.index])).toEqual(events.map((_, i) => [shardOrigin, i]));

    const signed = await call<CheckpointView>('POST', `/v1/ledger/checkpoint?shard=${shard}`);
    expect(signed.body).toMatchObject({ origin: shardOrigin, size: 5 });
    expect(signed.body.note.startsWith(`${shardOrigin}\n5\n`)).toBe(true);
    const shards = await call<{ shards: Array<{ shard: number; origin: string; size: number }> }>(
      'GET',
      '/v1/ledger/shards',
    );
    expect(shards.body.shards).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ shard: 0, origin }),
        expect.objectContaining({ shard, origin: shardOrigin, size: 5 }),
      ]),
    );

    const entry = await call<{ origin: string; leafHash: string; proof: Proof }>(
      'GET',
      `/v1/ledger/entries/2?shard=${shard}`,
    );
    expect(entry.body.origin).toBe(shardOrigin);
    const root = new MerkleTree(appended.map((e) => Buffer.from(e.leafHash, 'hex'))).root();
    expect(verifyInclusion(2, 5, Buffer.from(entry.body.leafHash, 'hex'), entry.body.proof.hashes.map(b64), root)).toBe(
      true,
    );
    expect((await call('GET', `/v1/ledger/entries/5?shard=${shard}`)).status).toBe(404);
    expect((await call('GET', `/v1/ledger/entries/0?shard=-1`)).status).toBe(400);

    const key = (await call<{ verifierKey: string }>('GET', '/v1/ledger/public-key')).body.verifierKey;
    const bundle = await call<EvidenceBundle>('GET', `/v1/ledger/evidence?shard=${shard}`);
    expect(bundle.body.manifest).toMatchObject({ origin: shardOrigin, from: 0, to: 5 });
    expect(verifyBundle(bundle.body, { pinnedKeys: [key] }).failures).toEqual([]);

    const note = await (await fetch(`${base}/v1/ledger/shards/${shard}/tlog/checkpoint`)).text();
    expect(note).toBe(signed.body.note);
    const tile = await fetch(`${base}/v1/ledger/shards/${shard}/tlog/tile/0/000.p/5`);
    expect(
      Buffer.from(await tile.arrayBuffer()).equals(Buffer.concat(appended.map((e) => Buffer.from(e.leafHash, 'hex')))),
    ).toBe(true);
    expect((await fetch(`${base}/v1/ledger/shards/x/tlog/checkpoint`)).status).toBe(400);
  });

  it('keeps the tree tables append-only too', async () => {
    await expect(db.query(`DELETE FROM ledger.nodes WHERE origin = $1`, [origin])).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE ledger.checkpoints SET size = 1 WHERE origin = $1`, [origin])).rejects.toThrow(
      /append-only/,
    );
    const grants = await db.query(
      `SELECT privilege_type FROM information_schema.role_table_grants
        WHERE grantee = 'verity_ledger_writer' AND table_schema = 'ledger' AND table_name = 'entries' ORDER BY 1`,
    );
    expect(grants.map((g: { privilege_type: string }) => g.privilege_type)).toEqual(['INSERT', 'SELECT']);
  });
});
