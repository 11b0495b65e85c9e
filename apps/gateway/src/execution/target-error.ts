import { DomainError } from '@verity/contracts';
import { DatabaseError } from 'pg';

/** What a target failure may add to its message: never a value from the request or a credential. */
export interface TargetErrorDetails {
  /** PostgreSQL SQLSTATE of a rejected statement. */
  sqlState?: string;
  /** The connection's response size cap, for TARGET.OVERSIZE_REJECTED. */
  limitBytes?: number;
}

/**
 * Running an action on a target failed. SQL: TARGET.UNAVAILABLE, TARGET.QUERY_REJECTED,
 * TARGET.TIMEOUT. HTTP (http-error.ts): TARGET.UNAVAILABLE, TARGET.TIMEOUT,
 * TARGET.OVERSIZE_REJECTED, TARGET.REDIRECT_REJECTED, TARGET.PATH_REJECTED, TARGET.WRITE_REJECTED.
 */
export class TargetError extends DomainError {
  constructor(code: `TARGET.${string}`, message: string, details?: TargetErrorDetails) {
    super(code, message, details);
    this.name = 'TargetError';
  }
}

/** SQLSTATE classes and codes that mean the target cannot serve us, not that the statement is wrong. */
const UNAVAILABLE_STATES = /^(08|28|3D000|53|57P0[1-5]|58)/;
const CANCELED = '57014';

/**
 * Classifies a driver error. Only the database's own message for a rejected statement passes
 * through; connection failures get a fixed text, since the driver's (host, port, user) must not.
 */
export function classifyTargetError(err: unknown, connection: string, statementTimeoutMs: number): TargetError {
  const sqlState = err instanceof DatabaseError ? err.code : undefined;
  if (sqlState === undefined || UNAVAILABLE_STATES.test(sqlState)) {
    return new TargetError('TARGET.UNAVAILABLE', `connection ${connection} is unavailable`);
  }
  if (sqlState === CANCELED) {
    return new TargetError(
      'TARGET.TIMEOUT',
      `the statement was canceled after the ${statementTimeoutMs} ms statement timeout`,
      { sqlState },
    );
  }
  const message = ((err as DatabaseError).message || 'statement rejected').slice(0, 2000);
  return new TargetError('TARGET.QUERY_REJECTED', message, { sqlState });
}
