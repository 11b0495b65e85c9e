import { DomainError } from '@verity/contracts';
import { DatabaseError } from 'pg';

/** Running a statement on a target failed; `code` is TARGET.UNAVAILABLE, TARGET.QUERY_REJECTED or TARGET.TIMEOUT. */
export class TargetError extends DomainError {
  constructor(code: `TARGET.${string}`, message: string, details?: { sqlState?: string }) {
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
