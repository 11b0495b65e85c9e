import { EntityJson, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { ActorV1, Decision } from '@verity/contracts';
import { SqlClass, SqlFacts } from '../analysis/sql-tree';
import { CEDAR_SCHEMA_ID, PreparedBundle } from '../bundle/policy-bundle';

/** What one statement class of a batch came to. */
export interface ClassVerdict {
  action: string;
  decision: Decision;
  policyIds: string[];
  reason: string;
}

export interface SqlRequest {
  actor: ActorV1;
  connection: string;
  operation: string;
  sessionId: string;
  facts: SqlFacts;
}

const DECISION_ORDER: Decision[] = ['allow', 'review', 'deny'];

/** The strictest of the class verdicts: any deny → deny, else any review → review, else allow. */
export function strictest(verdicts: ClassVerdict[]): Decision {
  return verdicts.reduce<Decision>(
    (worst, v) => (DECISION_ORDER.indexOf(v.decision) > DECISION_ORDER.indexOf(worst) ? v.decision : worst),
    'allow',
  );
}

/**
 * Cedar principal for an actor: a service account, an agent acting for itself, or a user —
 * also when an agent acts for that user (the agents are in `context.actingParties`).
 */
export function principalType(actor: ActorV1): 'ServiceAccount' | 'Agent' | 'User' {
  if (actor.kind === 'service') return 'ServiceAccount';
  return actor.kind === 'agent' && actor.actingParties.length === 0 ? 'Agent' : 'User';
}

export function principalOf(actor: ActorV1): EntityJson {
  const type = principalType(actor);
  return {
    uid: { type, id: actor.subject },
    attrs: {},
    parents: actor.groups.map((id) => ({ type: 'Group', id })),
  };
}

function context(request: SqlRequest) {
  const { facts } = request;
  return {
    operation: request.operation,
    sessionId: request.sessionId,
    actorKind: request.actor.kind,
    actingParties: request.actor.actingParties.map((p) => p.subject),
    sql: {
      statementKinds: facts.statementKinds,
      statementCount: facts.statementCount,
      classes: facts.classes,
      tablesRead: facts.tablesRead,
      tablesWritten: facts.tablesWritten,
      functions: facts.functions,
      deleteWithoutWhere: facts.deleteWithoutWhere,
      updateWithoutWhere: facts.updateWithoutWhere,
      readOnly: facts.readOnly,
    },
  };
}

/** Reasons name at most this many findings; the analysis carries the full lists. */
const MAX_FINDINGS_IN_REASON = 10;

function found(findings: string[] | undefined): string {
  if (!findings || findings.length === 0) return '';
  const unique = [...new Set(findings)];
  const more = unique.length - MAX_FINDINGS_IN_REASON;
  return `; found ${unique.slice(0, MAX_FINDINGS_IN_REASON).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function quoted(bundle: PreparedBundle, ids: string[]): string {
  const reasons = ids.map((id) => bundle.meta[id]?.reason).filter((r): r is string => !!r);
  return `${ids.join(', ')}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`;
}

/** Evaluates one statement class of the batch as action `sql.<class>` on the connection. */
export function evaluateClass(bundle: PreparedBundle, request: SqlRequest, cls: SqlClass): ClassVerdict {
  const action = `sql.${cls}`;
  const principal = principalOf(request.actor);
  const answer = statefulIsAuthorized({
    principal: principal.uid,
    action: { type: 'Action', id: action },
    resource: { type: 'Connection', id: request.connection },
    context: context(request),
    preparsedPolicySetId: bundle.policySetIds[action] ?? bundle.policySetId,
    preparsedSchemaName: CEDAR_SCHEMA_ID,
    // Groups need no entity of their own: the principal's parents are enough for `in`.
    entities: [principal],
  });
  const findings = found(request.facts.findings[cls]);
  if (answer.type === 'failure') {
    const message = answer.errors.map((e) => e.message).join('; ');
    return { action, decision: 'deny', policyIds: [], reason: `${action} could not be evaluated: ${message}` };
  }
  const { decision, diagnostics } = answer.response;
  const ids = diagnostics.reason;
  if (diagnostics.errors.length > 0) {
    // A policy that errors is skipped by Cedar; a skipped forbid must not turn into an allow.
    const failed = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).join('; ');
    return { action, decision: 'deny', policyIds: ids, reason: `${action} denied: a policy failed (${failed})` };
  }
  if (decision === 'deny' && ids.length === 0) {
    const who = `${principalType(request.actor)}::"${request.actor.subject}"`;
    return {
      action,
      decision: 'deny',
      policyIds: [],
      reason: `no policy permits ${action} on connection "${request.connection}" for ${who}${findings}`,
    };
  }
  if (decision === 'deny') {
    return {
      action,
      decision: 'deny',
      policyIds: ids,
      reason: `${action} forbidden by ${quoted(bundle, ids)}${findings}`,
    };
  }
  const review = ids.filter((id) => bundle.meta[id]?.review);
  if (review.length > 0) {
    return {
      action,
      decision: 'review',
      policyIds: ids,
      reason: `${action} needs review by ${quoted(bundle, review)}${findings}`,
    };
  }
  return { action, decision: 'allow', policyIds: ids, reason: `${action} allowed by ${ids.join(', ')}` };
}
