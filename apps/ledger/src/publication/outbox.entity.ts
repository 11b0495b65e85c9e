import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../entries/bigint.transformer';

/**
 * Entries appended but not yet announced on Kafka. Written in the append transaction, removed
 * once `LedgerAppended` is published, so a crash between the two loses no announcement.
 */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_outbox' })
  origin: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber, primaryKeyConstraintName: 'PK_outbox' })
  index: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
