import { ReviewVerdict } from '@verity/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const VERDICT_OUTCOMES = ['approved', 'rejected', 'refused'] as const;
export type VerdictOutcome = (typeof VERDICT_OUTCOMES)[number];

/** A verdict a reviewer gave through this gateway, and policy's answer once it arrives. */
@Entity({ name: 'review_verdicts' })
@Index('IDX_review_verdicts_action_id', ['actionId'])
export class VerdictEntity {
  /** The review.verdict-submitted event's id; policy's answer names it as its cause. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_review_verdicts' }) id: string;
  @Column({ name: 'action_id', type: 'uuid' }) actionId: string;
  @Column({ type: 'varchar', length: 512 }) reviewer: string;
  @Column({ type: 'varchar', length: 16 }) verdict: ReviewVerdict;
  @Column({ type: 'varchar', length: 16, nullable: true }) outcome: VerdictOutcome | null;
  /** For a refusal: its code (REVIEW.SELF_APPROVAL …) and message. */
  @Column({ type: 'varchar', length: 64, nullable: true }) code: string | null;
  @Column({ type: 'text', nullable: true }) message: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt: Date | null;
}
