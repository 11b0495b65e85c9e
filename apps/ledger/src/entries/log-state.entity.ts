import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/** One row per log origin: its size, i.e. the index the next entry gets. Locked by every append. */
@Entity({ name: 'log_state' })
export class LogStateEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_log_state' })
  origin: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size: number;

  /** Leaves hashed into the Merkle tree (equals size once each append transaction commits). */
  @Column({ name: 'tree_size', type: 'bigint', transformer: bigintAsNumber, default: 0 })
  treeSize: number;

  /** Hex hashes of the complete subtrees covering [0, tree_size), largest first, comma-separated. */
  @Column({ type: 'text', default: '' })
  frontier: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
