import { Injectable } from '@nestjs/common';
import { ResultSetV1, SqlPayloadV1 } from '@verity/contracts';
import { Connection, DatabaseError, PoolClient, Query, QueryArrayConfig } from 'pg';
import { GatewayConfig } from '../config/gateway.config';
import { PostgresTarget } from '../connections/connection-registry';
import { DriverResult, toResultSet } from './result-set';
import { classifyTargetError } from './target-error';

export interface ExecuteOptions {
  /** Most rows returned; one more is fetched to tell whether the result was cut. */
  rowLimit: number;
  /** Run inside `BEGIN READ ONLY … ROLLBACK`. */
  readOnly: boolean;
}

/**
 * A query that stops after `rows` rows: the extended protocol's row limit suspends the portal,
 * and instead of fetching the next page we end it with Sync. The extended protocol also
 * refuses several statements in one string.
 */
class CappedQuery extends Query {
  constructor(text: string, values: unknown[], rows: number) {
    super({ text, values, rowMode: 'array', rows } as QueryArrayConfig);
  }

  handlePortalSuspended(connection: Connection): void {
    connection.sync();
  }

  /** With a row limit the driver does not pipeline Sync, so the server waits for one after an error. */
  handleError(err: Error, connection: Connection): void {
    if (err instanceof DatabaseError) connection.sync();
    (Query.prototype as unknown as { handleError(e: Error, c: Connection): void }).handleError.call(
      this,
      err,
      connection,
    );
  }
}

/** Statements after which a pooled session is known to be unchanged. */
const SESSION_SAFE = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'SHOW', 'EXPLAIN', 'COPY', 'ROLLBACK']);

function runCapped(
  client: PoolClient,
  sql: string,
  params: unknown[],
  rows: number,
): Promise<DriverResult & { command: string | null }> {
  return new Promise((resolve, reject) => {
    const collected: unknown[][] = [];
    const query = new CappedQuery(sql, params, rows);
    query.on('row', (row: unknown[]) => collected.push(row));
    query.on('error', reject);
    query.on('end', (result) =>
      resolve({
        columns: (result.fields ?? []).map((f) => f.name),
        rows: collected,
        affected: result.rowCount ?? null,
        command: result.command ?? null,
      }),
    );
    client.query(query);
  });
}

/** Runs one parameterised statement on a target with the connection's own credentials. */
@Injectable()
export class SqlExecutor {
  constructor(private readonly config: GatewayConfig) {}

  async run(target: PostgresTarget, payload: SqlPayloadV1, options: ExecuteOptions): Promise<ResultSetV1> {
    const timeout = this.config.GATEWAY_STATEMENT_TIMEOUT_MS;
    let client: PoolClient;
    try {
      client = await target.pool.connect();
    } catch (err) {
      throw classifyTargetError(err, target.name, timeout);
    }
    // A session the statement may have changed (SET, COMMIT …) or broken is closed, not reused.
    let reusable = false;
    try {
      if (options.readOnly) await client.query('BEGIN READ ONLY');
      const driver = await runCapped(client, payload.sql, payload.params ?? [], options.rowLimit + 1);
      if (options.readOnly) await client.query('ROLLBACK');
      reusable = driver.rows.length > options.rowLimit || SESSION_SAFE.has(driver.command ?? '');
      return toResultSet(driver, options.rowLimit);
    } catch (err) {
      if (options.readOnly)
        reusable = await client.query('ROLLBACK').then(
          () => true,
          () => false,
        );
      else reusable = err instanceof DatabaseError;
      throw classifyTargetError(err, target.name, timeout);
    } finally {
      client.release(!reusable);
    }
  }
}
