import { Injectable } from '@nestjs/common';
import { blocksOf, CompactRange, consistencyRanges, foldBlocks, inclusionRanges, Range } from '@verity/merkle';
import { EntityManager } from 'typeorm';
import { LogStateEntity } from '../entries/log-state.entity';
import { TreeNodeEntity } from './tree-node.entity';
import { blockKey, TreeRepository } from './tree.repository';

/** The log's frontier as stored in log_state: hex hashes, largest subtree first, comma-separated. */
export function frontierOf(log: Pick<LogStateEntity, 'treeSize' | 'frontier'>): CompactRange {
  const hashes = log.frontier ? log.frontier.split(',').map((h) => Buffer.from(h, 'hex')) : [];
  return new CompactRange(log.treeSize, hashes);
}

/**
 * Keeps the RFC 9162 tree of each log in step with its entries (inside the append transaction)
 * and answers roots and proofs from stored subtree hashes: O(log n) rows per proof.
 */
@Injectable()
export class TreeService {
  constructor(private readonly repo: TreeRepository) {}

  /**
   * Hashes every entry not yet in the tree into it (the fresh ones are passed in; older ones,
   * e.g. entries written before the tree existed, are read back), storing completed subtrees.
   */
  async extend(
    tx: EntityManager,
    log: LogStateEntity,
    fresh: Array<{ index: number; leafHash: string }>,
  ): Promise<void> {
    const range = frontierOf(log);
    const firstFresh = fresh[0]?.index ?? log.size;
    const leaves = await this.repo.leafHashes(tx, log.origin, range.size, Math.max(firstFresh, range.size));
    leaves.push(...fresh.filter((e) => e.index >= range.size).map((e) => Buffer.from(e.leafHash, 'hex')));
    const nodes: TreeNodeEntity[] = [];
    for (const leaf of leaves) {
      range.append(leaf, (b, hash) => nodes.push({ origin: log.origin, level: b.level, index: b.index, hash }));
    }
    await this.repo.insertNodes(tx, nodes);
    log.treeSize = range.size;
    log.frontier = range.hashes.map((h) => h.toString('hex')).join(',');
  }

  async root(origin: string, size: number, tx?: EntityManager): Promise<Buffer> {
    return (await this.hashRanges(origin, [{ start: 0, end: size }], tx))[0];
  }

  inclusionProof(origin: string, index: number, size: number): Promise<Buffer[]> {
    return this.hashRanges(origin, inclusionRanges(index, size));
  }

  consistencyProof(origin: string, size1: number, size2: number, tx?: EntityManager): Promise<Buffer[]> {
    return this.hashRanges(origin, consistencyRanges(size1, size2), tx);
  }

  /** The compact range of leaves [0, size): what a partial export needs to recompute roots. */
  async frontierAt(origin: string, size: number): Promise<Buffer[]> {
    const blocks = blocksOf({ start: 0, end: size });
    const found = await this.repo.readBlocks(origin, blocks);
    return blocks.map((b) => found.get(blockKey(b)) as Buffer);
  }

  private async hashRanges(origin: string, ranges: Range[], tx?: EntityManager): Promise<Buffer[]> {
    const perRange = ranges.map((r) => blocksOf(r));
    const found = await this.repo.readBlocks(origin, perRange.flat(), tx);
    return perRange.map((blocks) => foldBlocks(blocks.map((b) => found.get(blockKey(b)) as Buffer)));
  }
}
