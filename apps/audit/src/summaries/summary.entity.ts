import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Counts over the actions of one session, identity or connection (sums of `contributionOf`). */
export abstract class SummaryCounts {
  @Column({ name: 'action_count', type: 'integer', default: 0 }) actionCount: number;
  @Column({ name: 'allowed_count', type: 'integer', default: 0 }) allowedCount: number;
  @Column({ name: 'denied_count', type: 'integer', default: 0 }) deniedCount: number;
  @Column({ name: 'review_count', type: 'integer', default: 0 }) reviewCount: number;
  @Column({ name: 'executed_count', type: 'integer', default: 0 }) executedCount: number;
  @Column({ name: 'failed_count', type: 'integer', default: 0 }) failedCount: number;
  @Column({ name: 'denied_outcome_count', type: 'integer', default: 0 }) deniedOutcomeCount: number;
  @Column({ name: 'pending_review_count', type: 'integer', default: 0 }) pendingReviewCount: number;
  @Column({ name: 'first_at', type: 'timestamptz', precision: 3, nullable: true }) firstAt: Date | null;
  @Column({ name: 'last_at', type: 'timestamptz', precision: 3, nullable: true }) lastAt: Date | null;
}

/** The `sessions` view: one agent session, its owner and its activity. */
@Entity({ name: 'sessions' })
@Index('IDX_sessions_last_at', ['lastAt', 'sessionId'])
@Index('IDX_sessions_identity', ['identity', 'lastAt', 'sessionId'])
export class SessionSummaryEntity extends SummaryCounts {
  @PrimaryColumn({ name: 'session_id', type: 'text', primaryKeyConstraintName: 'PK_sessions' })
  sessionId: string;

  @Column({ type: 'text', nullable: true }) identity: string | null;
  @Column({ type: 'text', nullable: true }) agent: string | null;
}

/** The `identities` view: one token subject across sessions. */
@Entity({ name: 'identities' })
export class IdentitySummaryEntity extends SummaryCounts {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_identities' })
  identity: string;
}

/** The `connections` view: one target connection. */
@Entity({ name: 'connections' })
export class ConnectionSummaryEntity extends SummaryCounts {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_connections' })
  connection: string;
}
