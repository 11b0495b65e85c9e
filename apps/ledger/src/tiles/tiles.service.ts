import { Injectable } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { CheckpointsService } from '../checkpoints/checkpoints.service';
import { EntriesRepository } from '../entries/entries.repository';
import { shardOrigin } from '../shards/shard';
import { TreeRepository } from '../tree/tree.repository';
import { TILE_HEIGHT, TILE_WIDTH, TileRef } from './tile-path';

/**
 * The C2SP tlog-tiles read API over the stored tree: tile L/N holds the hashes of the complete
 * subtrees at tree level 8·L, indices 256·N … 256·N+W−1 (level 0: leaf hashes), concatenated;
 * entry bundles hold each entry's bytes behind a big-endian uint16 length. Only tiles within the
 * latest signed checkpoint are served, so every served tile is final for its width.
 */
@Injectable()
export class TilesService {
  constructor(
    private readonly tree: TreeRepository,
    private readonly entries: EntriesRepository,
    private readonly checkpoints: CheckpointsService,
  ) {}

  async checkpointNote(shard: number): Promise<string> {
    const latest = await this.checkpoints.latest(shardOrigin(this.checkpoints.origin, shard));
    if (!latest) throw new DomainError('LEDGER.CHECKPOINT_NOT_FOUND', 'no checkpoint has been signed yet');
    return latest.note;
  }

  async tile(shard: number, ref: TileRef): Promise<Buffer> {
    const origin = shardOrigin(this.checkpoints.origin, shard);
    const size = (await this.checkpoints.latest(origin))?.size ?? 0;
    const level = ref.level === 'entries' ? 0 : ref.level;
    const nodesAtLevel = Math.floor(size / 2 ** (TILE_HEIGHT * level));
    const available = Math.min(TILE_WIDTH, nodesAtLevel - ref.index * TILE_WIDTH);
    const width = ref.width ?? TILE_WIDTH;
    if (available < width || (ref.width !== undefined && available === TILE_WIDTH)) {
      throw new DomainError('LEDGER.TILE_NOT_FOUND', 'no such tile in the latest checkpoint');
    }
    const start = ref.index * TILE_WIDTH;
    if (ref.level === 'entries') {
      const rows = await this.entries.range(origin, start, start + width);
      return Buffer.concat(
        rows.flatMap((r) => {
          const bytes = Buffer.from(r.entry, 'utf8');
          const len = Buffer.alloc(2);
          len.writeUInt16BE(bytes.length);
          return [len, bytes];
        }),
      );
    }
    const treeLevel = TILE_HEIGHT * ref.level;
    const blocks = Array.from({ length: width }, (_, i) => ({ level: treeLevel, index: start + i }));
    const found = await this.tree.readBlocks(origin, blocks);
    return Buffer.concat(blocks.map((b) => found.get(`${b.level}/${b.index}`) as Buffer));
  }
}
