import { Injectable } from '@nestjs/common';
import { ActionPayloadV1, DomainError, HttpPayloadV1, Operation, ResultSetV1, SqlPayloadV1 } from '@verity/contracts';
import { TargetConnection } from '../connections/connection-registry';
import { HttpExecutor } from './http-executor.service';
import { SqlExecutor } from './sql-executor.service';
import { TargetError } from './target-error';

/** The connection type that runs each operation. */
export const OPERATION_TARGET_TYPE: Record<Operation, TargetConnection['type']> = {
  'sql.query': 'postgres',
  'http.request': 'http',
};

/** The decision's obligations that bound a run. */
export interface RunLimits {
  /** Most rows returned (SQL). */
  rowLimit: number;
  /** SQL in a read-only transaction; HTTP only GET and HEAD. */
  readOnly: boolean;
}

/**
 * Refuses, before anything is recorded, an action its connection cannot run: an operation of
 * another connection type (CONNECTION.OPERATION_INVALID), or a GET or HEAD with a body.
 */
export function assertRunnable(target: TargetConnection, operation: Operation, payload: ActionPayloadV1): void {
  const type = OPERATION_TARGET_TYPE[operation];
  if (type !== target.type) {
    throw new DomainError(
      'CONNECTION.OPERATION_INVALID',
      `connection ${target.name} is of type ${target.type} and does not run ${operation}`,
      { connection: target.name, type: target.type, operation },
    );
  }
  const http = operation === 'http.request' ? (payload as HttpPayloadV1) : undefined;
  if (http && (http.method === 'GET' || http.method === 'HEAD') && http.body !== undefined) {
    throw new DomainError('REQUEST.INVALID', 'request is invalid', [
      `input.body: a ${http.method} request has no body`,
    ]);
  }
}

/** Runs an action on its target with the executor of the target's type. */
@Injectable()
export class TargetExecutor {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly http: HttpExecutor,
  ) {}

  /** An action that reaches here unchecked (e.g. after a restart changed the file) fails as a target error. */
  async run(
    target: TargetConnection,
    operation: Operation,
    payload: ActionPayloadV1,
    limits: RunLimits,
  ): Promise<ResultSetV1> {
    if (OPERATION_TARGET_TYPE[operation] !== target.type) {
      throw new TargetError('TARGET.OPERATION_REJECTED', `connection ${target.name} does not run ${operation}`);
    }
    if (target.type === 'http') return this.http.run(target, payload as HttpPayloadV1, { readOnly: limits.readOnly });
    return this.sql.run(target, payload as SqlPayloadV1, limits);
  }
}
