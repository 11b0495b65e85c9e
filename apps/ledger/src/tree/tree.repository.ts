import { Injectable } from '@nestjs/common';
import { Block } from '@verity/merkle';
import { DataSource, EntityManager } from 'typeorm';
import { TreeNodeEntity } from './tree-node.entity';

const key = (b: Block): string => `${b.level}/${b.index}`;

/** Storage of the tree's complete subtrees (ledger.nodes) and reads of leaf hashes (ledger.entries). */
@Injectable()
export class TreeRepository {
  /** ~100 bytes a block: about 20 MB at capacity. */
  private readonly cache = new BlockCache(200_000);

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

  /**
   * Hashes of the given blocks, by "level/index"; throws if one is missing. Stored blocks never
   * change, so they are cached (bounded, least recently used first out); the misses are read in
   * one round trip (leaves from entries, inner nodes from nodes). Only ever read committed
   * blocks through it (never in a transaction that is writing nodes).
   */
  async readBlocks(origin: string, blocks: Block[], tx: EntityManager = this.db.manager): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing: Block[] = [];
    for (const b of blocks) {
      const cached = this.cache.get(origin, b);
      if (cached) found.set(key(b), cached);
      else missing.push(b);
    }
    if (missing.length > 0) {
      const rows = (await tx.query(
        `SELECT 0 AS level, e.index::text AS index, decode(e.leaf_hash, 'hex') AS hash FROM ledger.entries e
          WHERE e.origin = $1 AND e.index = ANY($2::bigint[])
         UNION ALL
         SELECT n.level, n.index::text AS index, n.hash FROM ledger.nodes n
           JOIN unnest($3::smallint[], $4::bigint[]) AS want(level, index) ON want.level = n.level AND want.index = n.index
          WHERE n.origin = $1`,
        [
          origin,
          missing.filter((b) => b.level === 0).map((b) => b.index),
          missing.filter((b) => b.level > 0).map((b) => b.level),
          missing.filter((b) => b.level > 0).map((b) => b.index),
        ],
      )) as Array<{ level: number; index: string; hash: Buffer }>;
      for (const r of rows) {
        const block = { level: Number(r.level), index: Number(r.index) };
        found.set(key(block), r.hash);
        this.cache.set(origin, block, r.hash);
      }
    }
    for (const b of blocks) if (!found.has(key(b))) throw new Error(`tree block ${key(b)} of ${origin} is missing`);
    return found;
  }
}

/** Least-recently-used cache of immutable tree blocks, by origin and block. */
class BlockCache {
  private readonly map = new Map<string, Buffer>();

  constructor(private readonly capacity: number) {}

  get(origin: string, b: Block): Buffer | undefined {
    const k = `${origin} ${key(b)}`;
    const hit = this.map.get(k);
    if (hit) {
      this.map.delete(k);
      this.map.set(k, hit);
    }
    return hit;
  }

  set(origin: string, b: Block, hash: Buffer): void {
    this.map.set(`${origin} ${key(b)}`, hash);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}

export { key as blockKey };
