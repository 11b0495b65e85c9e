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
  EventEnvelope,
  sqlPayloadOf,
} from '@verity/contracts';
import type { ActionEntity, LedgerRef } from './action.entity';

/** An action row without its bookkeeping timestamp: what the projection computes. */
export type ActionRecord = Omit<ActionEntity, 'updatedAt'>;

/** One ledger entry as the projection sees it. */
export interface AppendedEntry {
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

export function emptyAction(actionId: string, sessionId: string): ActionRecord {
  return {
    actionId,
    sessionId,
    status: 'requested',
    identitySubject: null,
    identityIssuer: null,
    identityKind: null,
    actor: null,
    connection: null,
    operation: null,
    sql: null,
    params: null,
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
  if (row.ledgerRefs.some((ref) => ref.index === appended.index)) return null;
  const ledgerRefs = [...row.ledgerRefs, { index: appended.index, type: event.type, leafHash: appended.leafHash }].sort(
    (a, b) => a.index - b.index,
  );
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
  };
}

function fieldsFrom(row: ActionRecord, event: EventEnvelope<object>): Partial<ActionRecord> {
  const at = new Date(event.time);
  switch (event.type) {
    case ActionRequested.type: {
      const data = event.data as ActionRequestedV1;
      const sql = sqlPayloadOf(data);
      return {
        ...identityOf(event),
        connection: data.connection,
        operation: data.operation,
        sql: sql?.sql ?? null,
        params: sql?.params ?? null,
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
    default:
      return {};
  }
}
