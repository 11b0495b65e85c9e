import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/** One row per log origin: its size, i.e. the index the next entry gets. Locked by every append. */
@Entity({ name: 'log_state' })
export class LogStateEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_log_state' })
  origin: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
