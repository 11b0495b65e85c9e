import { DomainError } from '@verity/contracts';
import { ErrorFields } from './pg-messages';

/**
 * SQLSTATE of an action held for human review. 55000 (object_not_in_prerequisite_state): the
 * statement cannot run yet and retrying it at once does not help; unlike 40001 or 57P0x it makes
 * no driver or pool retry or reconnect by itself.
 */
export const PENDING_REVIEW_STATE = '55000';

/** Verity's error codes as SQLSTATEs; codes not listed are XX000 (internal_error). */
const STATES: Record<string, string> = {
  'POLICY.DENIED': '42501', // insufficient_privilege
  'AUTH.FORBIDDEN': '42501',
  'AUTH.UNAUTHENTICATED': '28P01', // invalid_password
  'AUTH.UNAVAILABLE': '58000', // system_error
  'CONNECTION.NOT_FOUND': '3D000', // invalid_catalog_name
  'CONNECTION.OPERATION_INVALID': '3D000',
  'REQUEST.INVALID': '22023', // invalid_parameter_value
  'REVIEW.REJECTED': '42501',
  'TARGET.TIMEOUT': '57014', // query_canceled
  'POLICY.TIMEOUT': '57014',
  'MASKING.TIMEOUT': '57014',
  'TARGET.UNAVAILABLE': '58000',
  'MASKING.UNAVAILABLE': '58000',
  'EVENTS.UNAVAILABLE': '58000',
  'MASKING.FAILED': 'XX000',
  'GATEWAY.INTERNAL': 'XX000',
};

interface Details {
  actionId?: string;
  reasons?: string[];
  policyIds?: string[];
  sqlState?: string;
}

/**
 * A refused or failed action as an ErrorResponse: the SQLSTATE from the table above (a statement
 * the target rejected keeps the target's own SQLSTATE and message), Verity's code and the action
 * id in the detail, policy's reasons in the message.
 */
export function errorFromDomain(err: DomainError): ErrorFields {
  const details = (
    err.details && typeof err.details === 'object' && !Array.isArray(err.details) ? err.details : {}
  ) as Details;
  const problems = Array.isArray(err.details) ? (err.details as unknown[]).map(String) : [];
  const sqlState =
    err.code === 'TARGET.QUERY_REJECTED' &&
    typeof details.sqlState === 'string' &&
    /^[0-9A-Z]{5}$/.test(details.sqlState)
      ? details.sqlState
      : (STATES[err.code] ?? 'XX000');
  const reasons = details.reasons?.length ? `: ${details.reasons.join('; ')}` : '';
  const detail = [
    `Verity code ${err.code}`,
    ...(details.actionId ? [`action ${details.actionId}`] : []),
    ...(details.policyIds?.length ? [`policies ${details.policyIds.join(', ')}`] : []),
    ...problems,
  ].join('; ');
  return { severity: 'ERROR', sqlState, message: `${err.message}${reasons}`, detail };
}

/** The answer to a statement held for review: nothing ran; how to follow it. */
export function pendingReviewError(actionId: string): ErrorFields {
  return {
    severity: 'ERROR',
    sqlState: PENDING_REVIEW_STATE,
    message: `held for human review: action ${actionId} did not run yet`,
    detail: `Verity code ACTION.PENDING_REVIEW; action ${actionId}`,
    hint: `Check its status with GET /v1/actions/${actionId} (add ?wait=30 to wait for the outcome); once approved it runs once and the result is kept there. Do not resend the statement.`,
  };
}
