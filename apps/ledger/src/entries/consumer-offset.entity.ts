import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The next Kafka offset to consume per group and topic-partition, written in the transaction
 * that appended what came before it; the consumer resumes from here, not from Kafka's commits.
 */
@Entity({ name: 'consumer_offsets' })
export class ConsumerOffsetEntity {
  @PrimaryColumn({ name: 'group_id', type: 'text', primaryKeyConstraintName: 'PK_consumer_offsets' })
  groupId: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_consumer_offsets' })
  topic: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_consumer_offsets' })
  partition: number;

  /** Kept as text: Kafka offsets are 64-bit. */
  @Column({ name: 'next_offset', type: 'bigint' })
  nextOffset: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
