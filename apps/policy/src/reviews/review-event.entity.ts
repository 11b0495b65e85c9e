import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The review events, written in the same transaction as the state change they report and
 * published after it commits (a transactional outbox): a crash between the two loses nothing,
 * and a republished event keeps its id, so consumers and the ledger see it once.
 */
@Entity({ name: 'review_events' })
@Index('IDX_review_events_cause', ['causeId'])
@Index('IDX_review_events_unpublished', ['createdAt'], { where: `"published_at" IS NULL` })
export class ReviewEventEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_review_events' }) id: string;
  @Column({ name: 'action_id', type: 'uuid' }) actionId: string;
  /** The event this one answers (a verdict, a decision); null for expiries. */
  @Column({ name: 'cause_id', type: 'uuid', nullable: true }) causeId: string | null;
  @Column({ type: 'varchar', length: 128 }) type: string;
  @Column({ type: 'jsonb' }) envelope: object;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
}
