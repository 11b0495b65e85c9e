import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ApiKeyAuthenticator, API_KEY_FORMAT, TokenVerifier } from '@verity/identity';
import { loadModule } from 'libpg-query';
import { randomInt } from 'node:crypto';
import net from 'node:net';
import { ActionsService, Caller } from '../actions/actions.service';
import { GatewayConfig } from '../config/gateway.config';
import { ConnectionRegistry } from '../connections/connection-registry';
import { PgConnection } from './pg-connection';

/**
 * The gateway's PostgreSQL wire-protocol listener (GATEWAY_PG_PORT, default 6432): any
 * PostgreSQL client connects with the connection name as the database and a bearer token or
 * API key as the password; each statement runs through ActionsService, like POST /v1/actions.
 * Plaintext only. Idle connections and connections over the limit are closed with FATAL errors.
 */
@Injectable()
export class PgWireServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PgWireServer.name);
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly open = new Set<PgConnection>();
  private nextProcessId = 1;

  constructor(
    private readonly config: GatewayConfig,
    private readonly actions: ActionsService,
    private readonly connections: ConnectionRegistry,
    private readonly verifier: TokenVerifier,
    @Optional() private readonly apiKeys?: ApiKeyAuthenticator,
  ) {}

  /** The port it listens on (the chosen one when GATEWAY_PG_PORT is 0). */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get size(): number {
    return this.open.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    await loadModule(); // libpg_query, to split query strings into statements
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.GATEWAY_PG_PORT, this.config.HOST, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (err) => this.logger.error({ err: err.message }, 'PostgreSQL listener error'));
    this.logger.log({ host: this.config.HOST, port: this.port }, 'PostgreSQL wire listener ready');
  }

  async onApplicationShutdown(): Promise<void> {
    for (const connection of this.open) {
      connection.terminate({ sqlState: '57P01', message: 'terminating connection: the gateway is shutting down' });
    }
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The same verification as HTTP: a `vk_…` API key (with its connection scope), else a token. */
  private async authenticate(password: string): Promise<Caller> {
    if (password.startsWith('vk_') && API_KEY_FORMAT.test(password) && this.apiKeys) {
      const principal = await this.apiKeys.authenticate(password);
      return { actor: principal.actor, scope: principal.connections };
    }
    return { actor: await this.verifier.verify(password) };
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const full = this.open.size >= this.config.GATEWAY_PG_MAX_CONNECTIONS;
    const connection = new PgConnection(socket, {
      actions: this.actions,
      connections: this.connections,
      authenticate: (password) => this.authenticate(password),
      logger: this.logger,
      maxMessageBytes: this.config.GATEWAY_PG_MAX_MESSAGE_BYTES,
      processId: this.nextProcessId++,
      secretKey: randomInt(0, 2 ** 31 - 1),
      refusal: full ? { severity: 'FATAL', sqlState: '53300', message: 'sorry, too many clients already' } : undefined,
    });
    if (!full) this.open.add(connection);
    socket.setTimeout(this.config.GATEWAY_PG_IDLE_MS);
    socket.on('timeout', () => {
      if (connection.busy) return;
      connection.terminate({ sqlState: '57P05', message: 'terminating connection due to idle-session timeout' });
    });
    socket.on('error', (err) =>
      this.logger.debug({ sessionId: connection.sessionId, err: err.message }, 'socket error'),
    );
    socket.on('close', () => {
      this.open.delete(connection);
      if (connection.authenticated)
        this.logger.log({ sessionId: connection.sessionId }, 'PostgreSQL wire session closed');
    });
  }
}
