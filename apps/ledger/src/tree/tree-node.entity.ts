import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../entries/bigint.transformer';

/**
 * The hash of one complete, aligned subtree of 2^level leaves (level >= 1; level 0 is the
 * entry's leaf hash), written once when its last leaf is appended. Any root or proof of the
 * log is folded from at most 2·log2(n) of these, read by primary key. Append-only.
 */
@Entity({ name: 'nodes' })
export class TreeNodeEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_nodes' })
  origin: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'PK_nodes' })
  level: number;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber, primaryKeyConstraintName: 'PK_nodes' })
  index: number;

  @Column({ type: 'bytea' })
  hash: Buffer;
}
