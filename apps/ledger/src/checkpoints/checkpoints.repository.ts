import { Injectable } from '@nestjs/common';
import { Between, DataSource, EntityManager, MoreThanOrEqual } from 'typeorm';
import { LogStateEntity } from '../entries/log-state.entity';
import { CheckpointEntity } from './checkpoint.entity';

@Injectable()
export class CheckpointsRepository {
  constructor(private readonly db: DataSource) {}

  /** Runs `work` in a transaction holding the origin's signing lock (one signer at a time). */
  whileSigning<T>(origin: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ledger.checkpoint:${origin}`]);
      return work(tx);
    });
  }

  /** Logs whose tree has grown past their latest checkpoint. */
  async grownOrigins(): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT s.origin FROM ledger.log_state s
        WHERE s.tree_size > COALESCE((SELECT max(c.size) FROM ledger.checkpoints c WHERE c.origin = s.origin), 0)
        ORDER BY s.origin`,
    )) as Array<{ origin: string }>;
    return rows.map((r) => r.origin);
  }

  async logs(): Promise<Array<{ origin: string; size: number }>> {
    const rows = await this.db.manager.find(LogStateEntity, { order: { origin: 'ASC' } });
    return rows.map((r) => ({ origin: r.origin, size: r.treeSize }));
  }

  state(tx: EntityManager, origin: string): Promise<LogStateEntity | null> {
    return tx.findOne(LogStateEntity, { where: { origin } });
  }

  latest(origin: string, tx: EntityManager = this.db.manager): Promise<CheckpointEntity | null> {
    return tx.findOne(CheckpointEntity, { where: { origin }, order: { size: 'DESC' } });
  }

  async insert(tx: EntityManager, checkpoint: Omit<CheckpointEntity, 'signedAt'>): Promise<CheckpointEntity> {
    await tx.insert(CheckpointEntity, checkpoint);
    return (await tx.findOne(CheckpointEntity, {
      where: { origin: checkpoint.origin, size: checkpoint.size },
    })) as CheckpointEntity;
  }

  /** Checkpoints with size in [from, to], oldest first, at most `limit`. */
  list(origin: string, from: number, to: number, limit: number): Promise<CheckpointEntity[]> {
    return this.db.manager.find(CheckpointEntity, {
      where: { origin, size: Between(from, to) },
      order: { size: 'ASC' },
      take: limit,
    });
  }

  /** The smallest checkpoint at or above `size`. */
  atOrAbove(origin: string, size: number): Promise<CheckpointEntity | null> {
    return this.db.manager.findOne(CheckpointEntity, {
      where: { origin, size: MoreThanOrEqual(size) },
      order: { size: 'ASC' },
    });
  }

  /** The largest checkpoint below `size`. */
  below(origin: string, size: number): Promise<CheckpointEntity | null> {
    return this.db.manager
      .createQueryBuilder(CheckpointEntity, 'c')
      .where('c.origin = :origin AND c.size < :size', { origin, size })
      .orderBy('c.size', 'DESC')
      .getOne();
  }
}
