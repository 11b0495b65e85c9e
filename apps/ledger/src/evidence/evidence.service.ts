import { Injectable } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { CheckpointsService } from '../checkpoints/checkpoints.service';
import { EntriesRepository } from '../entries/entries.repository';
import { payloadTextOf } from '../entries/ledger-entry';
import { shardOrigin } from '../shards/shard';
import { TreeService } from '../tree/tree.service';
import { BUNDLE_FORMAT, BundleConsistencyProof, EvidenceBundle } from './evidence-bundle';

/** Largest range one export holds; export longer logs range by range (each verifies alone). */
export const MAX_EXPORT_ENTRIES = 100_000;

/** Assembles evidence bundles (see evidence-bundle.ts) from the log's tables. */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly entries: EntriesRepository,
    private readonly tree: TreeService,
    private readonly checkpoints: CheckpointsService,
  ) {}

  async export(shard: number, range: { from: number; to?: number; since?: number }): Promise<EvidenceBundle> {
    const origin = shardOrigin(this.checkpoints.origin, shard);
    const latest = (await this.checkpoints.latest(origin)) ?? (await this.checkpoints.sign(origin));
    if (!latest) throw new DomainError('LEDGER.CHECKPOINT_NOT_FOUND', 'the log is empty');
    const end = range.to === undefined ? latest : await this.checkpoints.atOrAbove(origin, range.to);
    if (!end) throw new DomainError('LEDGER.EXPORT_INVALID', `no signed checkpoint at or above ${range.to} yet`);
    const { from } = range;
    const to = end.size;
    if (from > to) throw new DomainError('LEDGER.EXPORT_INVALID', `from ${from} is beyond the checkpoint at ${to}`);
    if (to - from > MAX_EXPORT_ENTRIES) {
      throw new DomainError(
        'LEDGER.EXPORT_INVALID',
        `at most ${MAX_EXPORT_ENTRIES} entries per export, asked ${to - from}`,
      );
    }
    if (range.since !== undefined && range.since > to) {
      throw new DomainError('LEDGER.EXPORT_INVALID', `since ${range.since} is beyond the checkpoint at ${to}`);
    }
    const anchor = from > 0 ? await this.checkpoints.below(origin, from) : null;
    const inRange = await this.checkpoints.history(origin, from, to, MAX_EXPORT_ENTRIES);
    const checkpoints = anchor ? [anchor, ...inRange] : inRange;
    const pairs = checkpoints.slice(1).map((c, i): [number, number] => [checkpoints[i].size, c.size]);
    if (range.since !== undefined) pairs.push([range.since, to]);
    const consistency: BundleConsistencyProof[] = [];
    for (const [size1, size2] of pairs) {
      const hashes = await this.tree.consistencyProof(origin, size1, size2);
      consistency.push({ size1, size2, hashes: hashes.map((h) => h.toString('base64')) });
    }
    const rows = await this.entries.range(origin, from, to);
    const key = this.checkpoints.key;
    return {
      manifest: {
        format: BUNDLE_FORMAT,
        origin,
        from,
        to,
        createdAt: new Date().toISOString(),
        entryCount: rows.length,
        checkpointCount: checkpoints.length,
        keyName: key.name,
        keyId: key.keyId,
      },
      publicKeys: [key.verifierKey],
      checkpoints: checkpoints.map((c) => c.note),
      frontier: (await this.tree.frontierAt(origin, from)).map((h) => h.toString('base64')),
      entries: rows.map((r) => ({ index: r.index, entry: r.entry, payload: payloadTextOf(r) })),
      consistency,
    };
  }
}
