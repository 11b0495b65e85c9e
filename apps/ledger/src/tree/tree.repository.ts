import { Injectable } from '@nestjs/common';
import { Block } from '@verity/merkle';
import { DataSource, EntityManager } from 'typeorm';
import { TreeNodeEntity } from './tree-node.entity';

const key = (b: Block): string => `${b.level}/${b.index}`;

/** Storage of the tree's complete subtrees (ledger.nodes) and reads of leaf hashes (ledger.entries). */
@Injectable()
export class TreeRepository {
  constructor(private readonly db: DataSource) {}

  async insertNodes(tx: EntityManager, nodes: TreeNodeEntity[]): Promise<void> {
    for (let i = 0; i < nodes.length; i += 10_000) {
      const chunk = nodes.slice(i, i + 10_000);
      await tx.query(
        `INSERT INTO ledger.nodes (origin, level, index, hash) SELECT * FROM unnest($1::text[], $2::smallint[], $3::bigint[], $4::bytea[])`,
        [chunk.map((n) => n.origin), chunk.map((n) => n.level), chunk.map((n) => n.index), chunk.map((n) => n.hash)],
      );
    }
  }

  /** Leaf hashes of entries [from, to), in index order. */
  async leafHashes(tx: EntityManager, origin: string, from: number, to: number): Promise<Buffer[]> {
    const rows = (await tx.query(
      `SELECT leaf_hash FROM ledger.entries WHERE origin = $1 AND index >= $2 AND index < $3 ORDER BY index`,
      [origin, from, to],
    )) as Array<{ leaf_hash: string }>;
    if (rows.length !== to - from) throw new Error(`entries ${from}..${to} of ${origin} are not all present`);
    return rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
  }

  /** Hashes of the given blocks, by "level/index"; throws if one is missing. */
  async readBlocks(origin: string, blocks: Block[], tx: EntityManager = this.db.manager): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const leaves = blocks.filter((b) => b.level === 0).map((b) => b.index);
    const inner = blocks.filter((b) => b.level > 0);
    if (leaves.length > 0) {
      const rows = (await tx.query(
        `SELECT index::text AS index, leaf_hash FROM ledger.entries WHERE origin = $1 AND index = ANY($2::bigint[])`,
        [origin, leaves],
      )) as Array<{ index: string; leaf_hash: string }>;
      for (const r of rows) found.set(`0/${r.index}`, Buffer.from(r.leaf_hash, 'hex'));
    }
    if (inner.length > 0) {
      const rows = (await tx.query(
        `SELECT n.level, n.index::text AS index, n.hash FROM ledger.nodes n
           JOIN unnest($2::smallint[], $3::bigint[]) AS want(level, index) ON want.level = n.level AND want.index = n.index
          WHERE n.origin = $1`,
        [origin, inner.map((b) => b.level), inner.map((b) => b.index)],
      )) as Array<{ level: number; index: string; hash: Buffer }>;
      for (const r of rows) found.set(`${r.level}/${r.index}`, r.hash);
    }
    for (const b of blocks) if (!found.has(key(b))) throw new Error(`tree block ${key(b)} of ${origin} is missing`);
    return found;
  }
}

export { key as blockKey };
