import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { GatewayConfig } from '../config/gateway.config';
import { repoRoot } from '@verity/config';
import { parseConnectionsFile, PostgresConnectionSpec } from './connections-file';
import { HttpTarget } from './http-target';

/** A registered PostgreSQL database. Its credentials live only inside the pool's configuration. */
export interface PostgresTarget {
  readonly name: string;
  readonly type: 'postgres';
  readonly pool: Pool;
}

/** A registered target: a PostgreSQL database or an HTTP API. */
export type TargetConnection = PostgresTarget | HttpTarget;
export { HttpTarget };

/**
 * The connections registry, read from VERITY_CONNECTIONS once at boot (a bad file stops the
 * boot with the connection and field at fault). One pg pool per PostgreSQL connection, opened
 * lazily; HTTP connections share the process's HTTP client.
 */
@Injectable()
export class ConnectionRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionRegistry.name);
  private readonly targets = new Map<string, TargetConnection>();

  constructor(private readonly config: GatewayConfig) {
    const root = repoRoot();
    const file = path.resolve(root, config.VERITY_CONNECTIONS);
    const specs = parseConnectionsFile(readFileSync(file, 'utf8'), {
      source: file,
      repoRoot: root,
      verityHome: config.VERITY_HOME || path.join(root, '.verity'),
      env: process.env,
      readFile: (secret) => readFileSync(secret, 'utf8'),
    });
    for (const spec of specs) {
      this.targets.set(
        spec.name,
        spec.type === 'http' ? new HttpTarget(spec) : { name: spec.name, type: spec.type, pool: this.pool(spec) },
      );
    }
    this.logger.log({ file, connections: [...this.targets.keys()] }, 'connections registered');
  }

  get(name: string): TargetConnection {
    const target = this.targets.get(name);
    if (!target) throw new DomainError('CONNECTION.NOT_FOUND', `no connection named ${name}`, { connection: name });
    return target;
  }

  has(name: string): boolean {
    return this.targets.has(name);
  }

  names(): string[] {
    return [...this.targets.keys()];
  }

  private pool(spec: PostgresConnectionSpec): Pool {
    const pool = new Pool({
      host: spec.host,
      port: spec.port,
      database: spec.database,
      user: spec.user,
      password: spec.password,
      max: this.config.GATEWAY_TARGET_POOL_SIZE,
      connectionTimeoutMillis: this.config.GATEWAY_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      statement_timeout: this.config.GATEWAY_STATEMENT_TIMEOUT_MS,
      application_name: 'verity-gateway',
    });
    // An idle connection that breaks must not crash the process; the next checkout reconnects.
    pool.on('error', (err: Error & { code?: string }) =>
      this.logger.warn({ connection: spec.name, code: err.code }, 'idle target connection failed'),
    );
    // Nor one that breaks while checked out (the server crashed or restarted): its client then
    // emits 'error', which the pool does not listen to, after failing the statement in hand.
    // The executor answers for that statement and discards the client.
    pool.on('connect', (client) =>
      client.on('error', (err: Error & { code?: string }) =>
        this.logger.warn({ connection: spec.name, code: err.code }, 'target connection failed'),
      ),
    );
    return pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.targets.values()].map((t) => (t.type === 'postgres' ? t.pool.end() : undefined)));
  }
}
