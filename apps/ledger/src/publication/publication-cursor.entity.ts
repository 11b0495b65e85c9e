import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '../entries/bigint.transformer';

/**
 * How far each log's entries have been announced as `LedgerAppended`: entries from
 * `next_index` on are still to be published. Appends are committed in index order per log, so
 * the entries past the cursor are exactly those not yet announced; nothing is written per entry.
 */
@Entity({ name: 'publication' })
export class PublicationCursorEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_publication' })
  origin: string;

  @Column({ name: 'next_index', type: 'bigint', transformer: bigintAsNumber })
  nextIndex: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
