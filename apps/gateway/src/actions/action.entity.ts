import {
  ActionPayloadV1,
  ActorV1,
  Decision,
  MaskingReportV1,
  ObligationsV1,
  ResultSetV1,
  ReviewRequestedV1,
  ReviewApprovalV1,
} from '@verity/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** `approved`: a review approved it and one gateway instance has claimed it to run. */
export const ACTION_STATUSES = [
  'requested',
  'allowed',
  'pending_review',
  'approved',
  'executed',
  'denied',
  'failed',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** The gateway's own record of an action and where it stands. The events remain the truth. */
@Entity({ name: 'actions' })
@Index('IDX_actions_session_id', ['sessionId'])
@Index('IDX_actions_pending_review', ['createdAt'], { where: `"status" = 'pending_review'` })
export class ActionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_actions' }) id: string;
  @Column({ name: 'session_id', type: 'varchar', length: 256 }) sessionId: string;
  @Column({ type: 'jsonb' }) actor: ActorV1;
  @Column({ type: 'varchar', length: 63 }) connection: string;
  @Column({ type: 'varchar', length: 64 }) operation: string;
  @Column({ type: 'varchar', length: 32 }) status: ActionStatus;
  @Column({ type: 'varchar', length: 16, nullable: true }) decision: Decision | null;
  @Column({ name: 'payload_digest', type: 'char', length: 64 }) payloadDigest: string;
  /** The outcome's error code (POLICY.DENIED, TARGET.UNAVAILABLE …); null while running and on success. */
  @Column({ name: 'outcome_code', type: 'varchar', length: 64, nullable: true }) outcomeCode: string | null;
  /** Ledger index of the outcome event, once the ledger has appended it (bigint: a string from pg). */
  @Column({ name: 'ledger_index', type: 'bigint', nullable: true }) ledgerIndex: string | null;
  /** The exact payload, kept so an approved action runs later on any instance. */
  @Column({ type: 'jsonb', nullable: true }) payload: ActionPayloadV1 | null;
  /** The decision's obligations (row cap, read-only, masking profile), for a later run. */
  @Column({ type: 'jsonb', nullable: true }) obligations: ObligationsV1 | null;
  @Column({ type: 'varchar', length: 55, nullable: true }) traceparent: string | null;
  /** The review as policy opened it and the approvals counted so far. */
  @Column({ type: 'jsonb', nullable: true }) review: ReviewState | null;
  /** The masked result of an action run after review, for whoever long-polls it. */
  @Column({ type: 'jsonb', nullable: true }) result: { result: ResultSetV1; masking: MaskingReportV1 } | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** What the gateway keeps of a review: policy's request (less the payload it already holds) and its progress. */
export type ReviewState = Omit<ReviewRequestedV1, 'payload' | 'connection' | 'operation' | 'payloadDigest'> & {
  /** Id of the review.requested event: what a verdict is caused by. */
  requestedEventId: string;
  approvals: ReviewApprovalV1[];
};
