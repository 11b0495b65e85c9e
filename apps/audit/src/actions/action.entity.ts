import { ActorV1, MaskingReportV1, ObligationsV1, ResultSetV1, SqlAnalysisV1 } from '@verity/contracts';
import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where an action's events sit in the ledger: the shard's log (origin, shard number) and the index in it. */
export interface LedgerRef {
  origin: string;
  shard: number;
  index: number;
  type: string;
  leafHash: string;
}

export const REVIEW_STATES = ['pending', 'approved', 'rejected', 'expired'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** One verdict policy counted (an approval) or acted on (the rejection). */
export interface ReviewVerdictRecord {
  approver: string;
  verdict: 'approve' | 'reject';
  comment: string;
  at: string;
}

/** The human review of an action (its id is the action's id), from the review.* entries. */
export interface ReviewRecord {
  reviewId: string;
  state: ReviewState;
  requiredApprovals: number;
  approverGroups: string[];
  reasons: string[];
  policyIds: string[];
  requestedAt: string | null;
  expiresAt: string | null;
  concludedAt: string | null;
  verdicts: ReviewVerdictRecord[];
}

/** The `actions` read model: one row per action, built from the ledger's stream. */
@Entity({ name: 'actions' })
@Index('IDX_actions_session_id', ['sessionId'])
@Index('IDX_actions_requested_at', ['requestedAt', 'actionId'])
@Index('IDX_actions_identity_subject', ['identitySubject', 'requestedAt', 'actionId'])
@Index('IDX_actions_agent', ['agent', 'requestedAt', 'actionId'])
@Index('IDX_actions_connection', ['connection', 'requestedAt', 'actionId'])
@Index('IDX_actions_operation', ['operation', 'requestedAt', 'actionId'])
@Index('IDX_actions_decision', ['decision', 'requestedAt', 'actionId'])
@Index('IDX_actions_tables', ['tables']) // GIN (see the migration): `tables @> ARRAY[...]`
@Index('IDX_actions_review', ['reviewState', 'reviewRequestedAt', 'actionId'])
@Index('IDX_actions_open', ['requestedAt'], { where: 'completed_at IS NULL' })
@Index('IDX_actions_denied', ['identitySubject', 'completedAt'], { where: `status = 'denied'` })
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

  /** The acting agent: the direct caller of the delegation chain (or the subject, for an agent acting alone). */
  @Column({ type: 'text', nullable: true })
  agent: string | null;

  @Column({ type: 'text', nullable: true })
  connection: string | null;

  @Column({ type: 'text', nullable: true })
  operation: string | null;

  @Column({ type: 'text', nullable: true })
  sql: string | null;

  @Column({ type: 'jsonb', nullable: true })
  params: unknown[] | null;

  /** An `http.request`'s method and path (its query and body stay in the ledgered payload). */
  @Column({ name: 'http_method', type: 'text', nullable: true })
  httpMethod: string | null;

  @Column({ name: 'http_path', type: 'text', nullable: true })
  httpPath: string | null;

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

  /** Tables the statement touches (read or written), from the policy's SQL analysis. */
  @Column({ type: 'text', array: true, nullable: true })
  tables: string[] | null;

  // reviewed
  @Column({ type: 'jsonb', nullable: true })
  review: ReviewRecord | null;

  @Column({ name: 'review_state', type: 'text', nullable: true })
  reviewState: string | null;

  @Column({ name: 'review_requested_at', type: 'timestamptz', precision: 3, nullable: true })
  reviewRequestedAt: Date | null;

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
