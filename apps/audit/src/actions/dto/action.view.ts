import { ActorV1, MaskingReportV1, ObligationsV1, ResultSetV1, SqlAnalysisV1 } from '@verity/contracts';
import { ActionEntity, LedgerRef } from '../action.entity';

/** One action as the compliance API shows it (camelCase; null where not known yet). */
export interface ActionView {
  actionId: string;
  sessionId: string;
  status: string;
  identity: { subject: string; issuer: string; kind: string } | null;
  actor: ActorV1 | null;
  connection: string | null;
  operation: string | null;
  sql: string | null;
  params: unknown[] | null;
  payloadDigest: string | null;
  /** The agent's ReAct step that produced the action. */
  step: number | null;
  thought: string | null;
  tool: string | null;
  model: string | null;
  requestedAt: string | null;
  decision: string | null;
  reasons: string[] | null;
  policyIds: string[] | null;
  bundleRevision: string | null;
  obligations: ObligationsV1 | null;
  analysis: SqlAnalysisV1 | null;
  decidedAt: string | null;
  result: ResultSetV1 | null;
  masking: MaskingReportV1 | null;
  resultDigest: string | null;
  executedPayloadDigest: string | null;
  durationMs: number | null;
  error: { stage: string | null; code: string; message: string | null } | null;
  completedAt: string | null;
  ledgerRefs: LedgerRef[];
  updatedAt: string;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toActionView(row: ActionEntity): ActionView {
  return {
    actionId: row.actionId,
    sessionId: row.sessionId,
    status: row.status,
    identity:
      row.identitySubject === null
        ? null
        : { subject: row.identitySubject, issuer: row.identityIssuer ?? '', kind: row.identityKind ?? '' },
    actor: row.actor,
    connection: row.connection,
    operation: row.operation,
    sql: row.sql,
    params: row.params,
    payloadDigest: row.payloadDigest,
    step: row.agentStep,
    thought: row.agentThought,
    tool: row.agentTool,
    model: row.agentModel,
    requestedAt: iso(row.requestedAt),
    decision: row.decision,
    reasons: row.reasons,
    policyIds: row.policyIds,
    bundleRevision: row.bundleRevision,
    obligations: row.obligations,
    analysis: row.analysis,
    decidedAt: iso(row.decidedAt),
    result: row.result,
    masking: row.masking,
    resultDigest: row.resultDigest,
    executedPayloadDigest: row.executedPayloadDigest,
    durationMs: row.durationMs,
    error: row.errorCode === null ? null : { stage: row.failureStage, code: row.errorCode, message: row.errorMessage },
    completedAt: iso(row.completedAt),
    ledgerRefs: row.ledgerRefs,
    updatedAt: row.updatedAt.toISOString(),
  };
}
