import { statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { ActorV1 } from '@verity/contracts';
import { CEDAR_SCHEMA_ID, PreparedBundle } from '../bundle/policy-bundle';
import { principalOf } from '../decisions/cedar-evaluation';

export const REVIEW_ACTION = 'review.approve';

export interface ReviewScope {
  connection: string;
  operation: string;
  sessionId: string;
  requester: ActorV1;
}

/**
 * Whether the bundle permits `reviewer` to give a verdict on an action held on the
 * connection (Cedar action `review.approve`). A policy that errors counts as no permission.
 */
export function mayReview(bundle: PreparedBundle, reviewer: ActorV1, scope: ReviewScope): boolean {
  const principal = principalOf(reviewer);
  const answer = statefulIsAuthorized({
    principal: principal.uid,
    action: { type: 'Action', id: REVIEW_ACTION },
    resource: { type: 'Connection', id: scope.connection },
    context: { operation: scope.operation, sessionId: scope.sessionId, requester: scope.requester.subject },
    preparsedPolicySetId: bundle.policySetId,
    preparsedSchemaName: CEDAR_SCHEMA_ID,
    entities: [principal],
  });
  return (
    answer.type === 'success' && answer.response.decision === 'allow' && answer.response.diagnostics.errors.length === 0
  );
}
