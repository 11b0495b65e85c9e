import { ActorV1, ReviewApprovalV1 } from '@verity/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const REVIEW_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** One held action and where its review stands; the review's id is the action's id. */
@Entity({ name: 'reviews' })
@Index('IDX_reviews_pending_expiry', ['expiresAt'], { where: `"status" = 'pending'` })
export class ReviewEntity {
  @PrimaryColumn({ name: 'action_id', type: 'uuid', primaryKeyConstraintName: 'PK_reviews' }) actionId: string;
  @Column({ name: 'session_id', type: 'text' }) sessionId: string;
  /** The identity that requested the action: who may never approve it. */
  @Column({ type: 'jsonb' }) requester: ActorV1;
  @Column({ type: 'varchar', length: 63 }) connection: string;
  @Column({ type: 'varchar', length: 64 }) operation: string;
  @Column({ name: 'payload_digest', type: 'char', length: 64 }) payloadDigest: string;
  @Column({ name: 'required_approvals', type: 'integer' }) requiredApprovals: number;
  @Column({ name: 'distinct_groups', type: 'boolean' }) distinctGroups: boolean;
  @Column({ name: 'approver_groups', type: 'text', array: true, nullable: true }) approverGroups: string[] | null;
  @Column({ type: 'varchar', length: 16 }) status: (typeof REVIEW_STATUSES)[number];
  @Column({ type: 'jsonb', default: () => `'[]'` }) approvals: ReviewApprovalV1[];
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'varchar', length: 55, nullable: true }) traceparent: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
}
