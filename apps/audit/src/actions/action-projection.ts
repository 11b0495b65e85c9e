import {
  ActionDecided,
  ActionDecidedV1,
  ActionDenied,
  ActionDeniedV1,
  ActionExecuted,
  ActionExecutedV1,
  ActionFailed,
  ActionFailedV1,
  ActionRequested,
  ActionRequestedV1,
  ActorV1,
  EventEnvelope,
  HttpPayloadV1,
  ReviewApproved,
  ReviewApprovedV1,
  ReviewExpired,
  ReviewExpiredV1,
  ReviewRejected,
  ReviewRejectedV1,
  ReviewRequested,
  ReviewRequestedV1,
  ReviewVerdictRefused,
  ReviewVerdictSubmitted,
  sqlPayloadOf,
} from '@verity/contracts';
import type { ActionEntity, LedgerRef, ReviewRecord, ReviewState } from './action.entity';

/** An action row without its bookkeeping timestamp: what the projection computes. */
export type ActionRecord = Omit<ActionEntity, 'updatedAt'>;

/** One ledger entry as the projection sees it. */
export interface AppendedEntry {
  /** The shard's log: `<LEDGER_ORIGIN>` for shard 0, `<LEDGER_ORIGIN>/shard-<n>` for shard n. */
  origin: string;
  index: number;
  leafHash: string;
  event: EventEnvelope<object>;
}

export const ACTION_STATUSES = ['requested', 'decided', 'executed', 'failed', 'denied'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

const STATUS_BY_TYPE: Record<string, ActionStatus> = {
  [ActionRequested.type]: 'requested',
  [ActionDecided.type]: 'decided',
  [ActionExecuted.type]: 'executed',
  [ActionFailed.type]: 'failed',
  [ActionDenied.type]: 'denied',
};
const RANK: Record<ActionStatus, number> = { requested: 0, decided: 1, executed: 2, failed: 2, denied: 2 };

/** The ledgered event types that belong to an action's row: its lifecycle and its review. */
export const ACTION_ROW_TYPES: ReadonlySet<string> = new Set([
  ActionRequested.type,
  ActionDecided.type,
  ActionExecuted.type,
  ActionFailed.type,
  ActionDenied.type,
  ReviewRequested.type,
  ReviewVerdictSubmitted.type,
  ReviewApproved.type,
  ReviewRejected.type,
  ReviewExpired.type,
  ReviewVerdictRefused.type,
]);

/** The shard number in a ledger origin (see the ledger's README, "Shards"). */
export function shardOf(origin: string): number {
  const match = /\/shard-(\d+)$/.exec(origin);
  return match ? Number(match[1]) : 0;
}

/** The acting agent: the direct caller among the acting parties, or the subject of an agent acting alone. */
export function agentOf(actor: ActorV1): string | null {
  return actor.actingParties[0]?.subject ?? (actor.kind === 'agent' ? actor.subject : null);
}

export function emptyAction(actionId: string, sessionId: string): ActionRecord {
  return {
    actionId,
    sessionId,
    status: 'requested',
    identitySubject: null,
    identityIssuer: null,
    identityKind: null,
    actor: null,
    agent: null,
    connection: null,
    operation: null,
    sql: null,
    params: null,
    httpMethod: null,
    httpPath: null,
    payloadDigest: null,
    agentStep: null,
    agentThought: null,
    agentTool: null,
    agentModel: null,
    requestedAt: null,
    decision: null,
    reasons: null,
    policyIds: null,
    bundleRevision: null,
    obligations: null,
    analysis: null,
    decidedAt: null,
    tables: null,
    review: null,
    reviewState: null,
    reviewRequestedAt: null,
    result: null,
    masking: null,
    resultDigest: null,
    executedPayloadDigest: null,
    durationMs: null,
    failureStage: null,
    errorCode: null,
    errorMessage: null,
    completedAt: null,
    ledgerRefs: [],
  };
}

/**
 * The action row after one more of its ledger entries: a pure function of the current row (null
 * when there is none) and the entry. Returns null when the entry is already applied (its index
 * is among the row's ledger references), which makes redelivery harmless.
 *
 * Each event type owns its own fields and the status follows from the set of applied entries,
 * so the result does not depend on the order entries arrive in: fields never regress.
 */
export function applyAppended(current: ActionRecord | null, appended: AppendedEntry): ActionRecord | null {
  const { event } = appended;
  const row = current ?? emptyAction(event.actionid, event.sessionid);
  if (row.ledgerRefs.some((ref) => ref.index === appended.index && ref.origin === appended.origin)) return null;
  const ref: LedgerRef = {
    origin: appended.origin,
    shard: shardOf(appended.origin),
    index: appended.index,
    type: event.type,
    leafHash: appended.leafHash,
  };
  const ledgerRefs = [...row.ledgerRefs, ref].sort((a, b) => a.shard - b.shard || a.index - b.index);
  const next: ActionRecord = { ...row, ...identityFallback(row, event), ...fieldsFrom(row, event), ledgerRefs };
  return { ...next, status: statusOf(ledgerRefs, row.status) };
}

/** The furthest lifecycle step among the applied entries; later index wins a tie. */
export function statusOf(refs: LedgerRef[], fallback = 'requested'): string {
  let best: ActionStatus | undefined;
  for (const ref of refs) {
    const status = STATUS_BY_TYPE[ref.type];
    if (status && (best === undefined || RANK[status] >= RANK[best])) best = status;
  }
  return best ?? fallback;
}

/** Until the request arrives, the identity of whichever event came first. */
function identityFallback(row: ActionRecord, event: EventEnvelope<object>): Partial<ActionRecord> {
  if (row.identitySubject !== null) return {};
  return identityOf(event);
}

function identityOf(event: EventEnvelope<object>): Partial<ActionRecord> {
  return {
    identitySubject: event.actor.subject,
    identityIssuer: event.actor.issuer,
    identityKind: event.actor.kind,
    actor: event.actor,
    agent: agentOf(event.actor),
  };
}

function fieldsFrom(row: ActionRecord, event: EventEnvelope<object>): Partial<ActionRecord> {
  const at = new Date(event.time);
  switch (event.type) {
    case ActionRequested.type: {
      const data = event.data as ActionRequestedV1;
      const sql = sqlPayloadOf(data);
      const http = data.operation === 'http.request' ? (data.payload as HttpPayloadV1) : undefined;
      return {
        ...identityOf(event),
        connection: data.connection,
        operation: data.operation,
        sql: sql?.sql ?? null,
        params: sql?.params ?? null,
        httpMethod: http?.method ?? null,
        httpPath: http?.path ?? null,
        payloadDigest: data.payloadDigest,
        agentStep: data.agent.step ?? null,
        agentThought: data.agent.thought ?? null,
        agentTool: data.agent.tool ?? null,
        agentModel: data.agent.model ?? null,
        requestedAt: at,
      };
    }
    case ActionDecided.type: {
      const data = event.data as ActionDecidedV1;
      return {
        decision: data.decision,
        reasons: data.reasons,
        policyIds: data.policyIds,
        bundleRevision: data.bundleRevision,
        obligations: data.obligations,
        analysis: data.analysis ?? null,
        decidedAt: at,
        tables: data.analysis
          ? [...new Set([...data.analysis.tablesRead, ...data.analysis.tablesWritten])].sort()
          : null,
      };
    }
    case ActionExecuted.type: {
      const data = event.data as ActionExecutedV1;
      return {
        result: data.result,
        masking: data.masking,
        resultDigest: data.resultDigest,
        executedPayloadDigest: data.payloadDigest,
        durationMs: data.durationMs,
        completedAt: at,
      };
    }
    case ActionFailed.type: {
      const data = event.data as ActionFailedV1;
      return { failureStage: data.stage, errorCode: data.code, errorMessage: data.message, completedAt: at };
    }
    case ActionDenied.type: {
      const data = event.data as ActionDeniedV1;
      // The decision carries the same reasons; they only fill in while it is missing.
      return { reasons: row.reasons ?? data.reasons, policyIds: row.policyIds ?? data.policyIds, completedAt: at };
    }
    case ReviewRequested.type:
    case ReviewApproved.type:
    case ReviewRejected.type:
    case ReviewExpired.type: {
      const review = applyReview(row.review ?? emptyReview(event.actionid), event);
      return {
        review,
        reviewState: review.state,
        reviewRequestedAt: review.requestedAt === null ? null : new Date(review.requestedAt),
      };
    }
    default:
      return {};
  }
}

export function emptyReview(reviewId: string): ReviewRecord {
  return {
    reviewId,
    state: 'pending',
    requiredApprovals: 1,
    approverGroups: [],
    reasons: [],
    policyIds: [],
    requestedAt: null,
    expiresAt: null,
    concludedAt: null,
    verdicts: [],
  };
}

/** Final states outrank pending; of two final ones (which policy never sends) a fixed order decides, not arrival. */
const REVIEW_RANK: Record<ReviewState, number> = { pending: 0, approved: 1, expired: 2, rejected: 3 };

function concluded(review: ReviewRecord, state: ReviewState, at: string): Partial<ReviewRecord> {
  return REVIEW_RANK[state] > REVIEW_RANK[review.state] ? { state, concludedAt: at } : {};
}

/** The review after one more of its entries; like the action row, the same whatever the arrival order. */
export function applyReview(review: ReviewRecord, event: EventEnvelope<object>): ReviewRecord {
  const at = event.time;
  switch (event.type) {
    case ReviewRequested.type: {
      const data = event.data as ReviewRequestedV1;
      return {
        ...review,
        requiredApprovals: data.requiredApprovals,
        approverGroups: data.approverGroups ?? [],
        reasons: data.reasons,
        policyIds: data.policyIds,
        requestedAt: at,
        expiresAt: data.expiresAt,
      };
    }
    case ReviewApproved.type: {
      const data = event.data as ReviewApprovedV1;
      const approvals = data.approvals.map((a) => ({
        approver: a.subject,
        verdict: 'approve' as const,
        comment: a.comment,
        at: a.at,
      }));
      return {
        ...review,
        requiredApprovals: data.requiredApprovals,
        verdicts: mergeVerdicts(review.verdicts, approvals),
        ...(data.complete ? concluded(review, 'approved', at) : {}),
      };
    }
    case ReviewRejected.type: {
      const data = event.data as ReviewRejectedV1;
      const verdict = { approver: event.actor.subject, verdict: 'reject' as const, comment: data.comment, at };
      return { ...review, verdicts: mergeVerdicts(review.verdicts, [verdict]), ...concluded(review, 'rejected', at) };
    }
    case ReviewExpired.type: {
      const data = event.data as ReviewExpiredV1;
      return { ...review, expiresAt: review.expiresAt ?? data.expiresAt, ...concluded(review, 'expired', at) };
    }
    default:
      return review;
  }
}

/** Each (approver, verdict, time) once, in time order. */
function mergeVerdicts(current: ReviewRecord['verdicts'], more: ReviewRecord['verdicts']): ReviewRecord['verdicts'] {
  const key = (v: ReviewRecord['verdicts'][number]) => `${v.approver}\u0000${v.verdict}\u0000${v.at}`;
  const byKey = new Map(current.map((v) => [key(v), v]));
  for (const v of more) if (!byKey.has(key(v))) byKey.set(key(v), v);
  return [...byKey.values()].sort((a, b) => a.at.localeCompare(b.at) || a.approver.localeCompare(b.approver));
}
