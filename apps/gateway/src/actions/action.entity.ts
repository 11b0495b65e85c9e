import { ActorV1, Decision } from '@verity/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const ACTION_STATUSES = ['requested', 'allowed', 'pending_review', 'executed', 'denied', 'failed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** The gateway's own record of an action and where it stands. The events remain the truth. */
@Entity({ name: 'actions' })
@Index('IDX_actions_session_id', ['sessionId'])
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
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
