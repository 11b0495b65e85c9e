import { ActorV1, MaskingReportV1, ObligationsV1, ResultSetV1, SqlAnalysisV1 } from '@verity/contracts';
import { ActionEntity, LedgerRef, ReviewRecord } from '../action.entity';

/** One action as the compliance API shows it (camelCase; null where not known yet). */
export interface ActionView {
  actionId: string;
  sessionId: string;
  status: string;
  identity: { subject: string; issuer: string; kind: string } | null;
  actor: ActorV1 | null;
  /** The acting agent (direct caller of the delegation chain). */
  agent: string | null;
  connection: string | null;
  operation: string | null;
  sql: string | null;
  params: unknown[] | null;
  /** `http.request`: method and path. */
  http: { method: string; path: string } | null;
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
  /** Tables the statement touches, from the policy's SQL analysis. */
  tables: string[] | null;
  /** The action's human review, if it was held for one (at most one: its id is the action id). */
  reviews: ReviewRecord[];
  result: ResultSetV1 | null;
  masking: MaskingReportV1 | null;
  resultDigest: string | null;
  executedPayloadDigest: string | null;
  durationMs: number | null;
  error: { stage: string | null; code: string; message: string | null } | null;
  completedAt: string | null;
  ledgerRefs: (Omit<LedgerRef, 'origin'> & { origin: string | null })[];
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
    agent: row.agent,
    connection: row.connection,
    operation: row.operation,
    sql: row.sql,
    params: row.params,
    http: row.httpMethod === null ? null : { method: row.httpMethod, path: row.httpPath ?? '' },
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
    tables: row.tables,
    reviews: row.review ? [row.review] : [],
    result: row.result,
    masking: row.masking,
    resultDigest: row.resultDigest,
    executedPayloadDigest: row.executedPayloadDigest,
    durationMs: row.durationMs,
    error: row.errorCode === null ? null : { stage: row.failureStage, code: row.errorCode, message: row.errorMessage },
    completedAt: iso(row.completedAt),
    // Rows projected before refs carried their shard: shard 0, origin unknown (a rebuild fills it in).
    ledgerRefs: row.ledgerRefs.map((r) => ({ ...r, origin: r.origin ?? null, shard: r.shard ?? 0 })),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A review as `GET /v1/audit/reviews` lists it: the review, and what a reviewer judges. */
export interface ReviewView extends ReviewRecord {
  actionId: string;
  sessionId: string;
  /** The token subject that requested the action. */
  identity: string | null;
  agent: string | null;
  actor: ActorV1 | null;
  connection: string | null;
  operation: string | null;
  sql: string | null;
  thought: string | null;
  step: number | null;
  status: string;
}

export function toReviewView(row: ActionEntity): ReviewView {
  if (!row.review) throw new Error(`action ${row.actionId} has no review`);
  return {
    ...row.review,
    actionId: row.actionId,
    sessionId: row.sessionId,
    identity: row.identitySubject,
    agent: row.agent,
    actor: row.actor,
    connection: row.connection,
    operation: row.operation,
    sql: row.sql,
    thought: row.agentThought,
    step: row.agentStep,
    status: row.status,
  };
}
