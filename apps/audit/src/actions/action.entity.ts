import { ActorV1, MaskingReportV1, ObligationsV1, ResultSetV1, SqlAnalysisV1 } from '@verity/contracts';
import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where an action's events sit in the ledger. */
export interface LedgerRef {
  index: number;
  type: string;
  leafHash: string;
}

/** The `actions` read model: one row per action, built from the ledger's stream. */
@Entity({ name: 'actions' })
@Index('IDX_actions_session_id', ['sessionId'])
@Index('IDX_actions_requested_at', ['requestedAt', 'actionId'])
@Index('IDX_actions_identity_subject', ['identitySubject'])
export class ActionEntity {
  @PrimaryColumn({ name: 'action_id', type: 'uuid', primaryKeyConstraintName: 'PK_actions' })
  actionId: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ type: 'text' })
  status: string;

  // requested
  @Column({ name: 'identity_subject', type: 'text', nullable: true })
  identitySubject: string | null;

  @Column({ name: 'identity_issuer', type: 'text', nullable: true })
  identityIssuer: string | null;

  @Column({ name: 'identity_kind', type: 'text', nullable: true })
  identityKind: string | null;

  @Column({ type: 'jsonb', nullable: true })
  actor: ActorV1 | null;

  @Column({ type: 'text', nullable: true })
  connection: string | null;

  @Column({ type: 'text', nullable: true })
  operation: string | null;

  @Column({ type: 'text', nullable: true })
  sql: string | null;

  @Column({ type: 'jsonb', nullable: true })
  params: unknown[] | null;

  @Column({ name: 'payload_digest', type: 'text', nullable: true })
  payloadDigest: string | null;

  @Column({ name: 'agent_step', type: 'integer', nullable: true })
  agentStep: number | null;

  @Column({ name: 'agent_thought', type: 'text', nullable: true })
  agentThought: string | null;

  @Column({ name: 'agent_tool', type: 'text', nullable: true })
  agentTool: string | null;

  @Column({ name: 'agent_model', type: 'text', nullable: true })
  agentModel: string | null;

  /** Millisecond precision, so keyset cursors (JavaScript dates) compare exactly. */
  @Column({ name: 'requested_at', type: 'timestamptz', precision: 3, nullable: true })
  requestedAt: Date | null;

  // decided
  @Column({ type: 'text', nullable: true })
  decision: string | null;

  @Column({ type: 'jsonb', nullable: true })
  reasons: string[] | null;

  @Column({ name: 'policy_ids', type: 'jsonb', nullable: true })
  policyIds: string[] | null;

  @Column({ name: 'bundle_revision', type: 'text', nullable: true })
  bundleRevision: string | null;

  @Column({ type: 'jsonb', nullable: true })
  obligations: ObligationsV1 | null;

  @Column({ type: 'jsonb', nullable: true })
  analysis: SqlAnalysisV1 | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  // executed
  @Column({ type: 'jsonb', nullable: true })
  result: ResultSetV1 | null;

  @Column({ type: 'jsonb', nullable: true })
  masking: MaskingReportV1 | null;

  @Column({ name: 'result_digest', type: 'text', nullable: true })
  resultDigest: string | null;

  @Column({ name: 'executed_payload_digest', type: 'text', nullable: true })
  executedPayloadDigest: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  // failed
  @Column({ name: 'failure_stage', type: 'text', nullable: true })
  failureStage: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  /** When the outcome (executed, failed or denied) happened. */
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'ledger_refs', type: 'jsonb' })
  ledgerRefs: LedgerRef[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
