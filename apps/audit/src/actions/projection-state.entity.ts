import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

const bigintAsNumber = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * How far the projection has read each ledger origin: the highest index applied, written in the
 * same transaction as the rows it changed. A high-water mark, for lag and progress; duplicates
 * are recognised per action (see action-projection.ts), since one origin's entries reach audit
 * over several partitions and an index below the mark may not have been applied yet.
 */
@Entity({ name: 'projection_state' })
export class ProjectionStateEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_projection_state' })
  origin: string;

  @Column({ name: 'last_index', type: 'bigint', transformer: bigintAsNumber })
  lastIndex: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
