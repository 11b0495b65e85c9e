import { EntityJson, StatefulAuthorizationCall, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { ActorV1, Decision, HttpPayloadV1 } from '@verity/contracts';
import { SqlClass, SqlFacts } from '../analysis/sql-tree';
import { CEDAR_SCHEMA_ID, PreparedBundle } from '../bundle/policy-bundle';
import { prune } from '../bundle/policy-slices';

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

/** What the HTTP policies see of an `http.request`: names only, never header or query values. */
export interface HttpFacts {
  method: string;
  path: string;
  queryKeys: string[];
  headerNames: string[];
}

export interface HttpRequest {
  actor: ActorV1;
  connection: string;
  operation: string;
  sessionId: string;
  facts: HttpFacts;
}

/** The facts of an HTTP payload: its method, path, and the names (lower case) of its query and headers. */
export function httpFacts(payload: HttpPayloadV1): HttpFacts & { safe: boolean } {
  return {
    method: payload.method,
    path: payload.path,
    queryKeys: Object.keys(payload.query ?? {}),
    headerNames: [...new Set(Object.keys(payload.headers ?? {}).map((name) => name.toLowerCase()))],
    safe: payload.method === 'GET' || payload.method === 'HEAD',
  };
}

/** The Cedar action of an HTTP method: HEAD is a GET without the body. */
export function httpAction(method: string): string {
  return method === 'HEAD' ? 'http.get' : `http.${method.toLowerCase()}`;
}

function baseContext(request: { operation: string; sessionId: string; actor: ActorV1 }) {
  return {
    operation: request.operation,
    sessionId: request.sessionId,
    actorKind: request.actor.kind,
    actingParties: request.actor.actingParties.map((p) => p.subject),
  };
}

function httpContext(request: HttpRequest) {
  const { facts } = request;
  return {
    ...baseContext(request),
    method: facts.method,
    path: facts.path,
    queryKeys: facts.queryKeys,
    headerNames: facts.headerNames,
  };
}

function context(request: SqlRequest) {
  const { facts } = request;
  return {
    ...baseContext(request),
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

/**
 * One Cedar evaluation of `action` on the connection, against the bundle's slice for this request
 * shape (see policy-slices.ts): only the policies that can apply, only the context they read, and
 * entities or the schema only when a policy needs them.
 */
function authorize(bundle: PreparedBundle, actor: ActorV1, connection: string, action: string, full: object) {
  const principal = principalOf(actor);
  const slice = bundle.slices.get({
    action,
    connection,
    principalType: principalType(actor),
    groups: actor.groups,
  });
  const call = {
    principal: principal.uid,
    action: { type: 'Action', id: action },
    resource: { type: 'Connection', id: connection },
    preparsedPolicySetId: slice.policySetId,
  };
  const request = slice.needsSchema
    ? // Groups need no entity of their own: the principal's parents are enough for `in`.
      { ...call, context: full, preparsedSchemaName: CEDAR_SCHEMA_ID, entities: [principal] }
    : { ...call, context: prune(full, slice.use), entities: slice.needsPrincipal ? [principal] : [] };
  // The slice fixes the action, connection, principal type and groups; the rest completes the key.
  const key = JSON.stringify([slice.key, actor.subject, request.context]);
  return bundle.slices.answer(key, () => statefulIsAuthorized(request as StatefulAuthorizationCall));
}

/**
 * Evaluates any action of the schema on a connection with the given context (the whole context of
 * the action's type; the slice passes on only what its policies read): the verdict with reasons.
 */
export function evaluateAction(
  bundle: PreparedBundle,
  request: { actor: ActorV1; connection: string },
  action: string,
  context: object,
): ClassVerdict {
  return verdict(bundle, request, action, authorize(bundle, request.actor, request.connection, action, context), '');
}

/** Evaluates one statement class of the batch as action `sql.<class>` on the connection. */
export function evaluateClass(bundle: PreparedBundle, request: SqlRequest, cls: SqlClass): ClassVerdict {
  const answer = authorize(bundle, request.actor, request.connection, `sql.${cls}`, context(request));
  return verdict(bundle, request, `sql.${cls}`, answer, found(request.facts.findings[cls]));
}

/** Evaluates an HTTP request as action `http.<method>` (HEAD as `http.get`) on the connection. */
export function evaluateHttp(bundle: PreparedBundle, request: HttpRequest): ClassVerdict {
  const action = httpAction(request.facts.method);
  const answer = authorize(bundle, request.actor, request.connection, action, httpContext(request));
  return verdict(bundle, request, action, answer, `; request ${request.facts.method} ${request.facts.path}`);
}

function verdict(
  bundle: PreparedBundle,
  request: { actor: ActorV1; connection: string },
  action: string,
  answer: ReturnType<typeof statefulIsAuthorized>,
  findings: string,
): ClassVerdict {
  if (answer.type === 'failure') {
    const message = answer.errors.map((e) => e.message).join('; ');
    return { action, decision: 'deny', policyIds: [], reason: `${action} could not be evaluated: ${message}` };
  }
  const { decision, diagnostics } = answer.response;
  // Cedar returns a set: list the policies in bundle order, so a decision reads the same every time.
  const ids = [...diagnostics.reason].sort((a, b) => (bundle.order[a] ?? 0) - (bundle.order[b] ?? 0));
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
