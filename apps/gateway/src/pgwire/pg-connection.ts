import { Logger } from '@nestjs/common';
import { describeErrors, DomainError, SqlPayloadV1, STRICT_VALIDATION } from '@verity/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { ActionsService, Caller } from '../actions/actions.service';
import { ConnectionRegistry } from '../connections/connection-registry';
import { errorFromDomain, pendingReviewError } from './pg-errors';
import {
  authenticationCleartextPassword,
  authenticationOk,
  backendKeyData,
  bindComplete,
  closeComplete,
  commandComplete,
  dataRow,
  emptyQueryResponse,
  ErrorFields,
  errorResponse,
  FrontendMessage,
  negotiateProtocolVersion,
  noData,
  noticeResponse,
  parameterDescription,
  parameterStatus,
  parseComplete,
  parseFrontend,
  parseStartup,
  portalSuspended,
  ProtocolViolation,
  readyForQuery,
  rowDescription,
  StartupMessage,
} from './pg-messages';
import { commandTag, describeColumns, parameterCount, splitStatements, Statement, textValue } from './pg-sql';

/** What a wire connection needs from the gateway. */
export interface PgWireContext {
  actions: ActionsService;
  connections: ConnectionRegistry;
  /** Verifies the password: a bearer token or an API key, exactly as HTTP does. */
  authenticate(password: string): Promise<Caller>;
  logger: Logger;
  maxMessageBytes: number;
  processId: number;
  secretKey: number;
  /** Set when the connection limit is reached: answered (FATAL) after the startup message. */
  refusal?: ErrorFields;
}

/** The largest startup message accepted (PostgreSQL's own limit). */
const MAX_STARTUP_BYTES = 10_000;
const TEXT_OID = 25;

/** Statement kinds the listener refuses itself, before any action: they cannot be one audited action. */
const REFUSED: Record<string, string> = {
  CopyStmt: 'COPY is not supported through the Verity gateway; use SELECT (or INSERT) statements',
  TransactionStmt:
    'transaction control is not supported through the Verity gateway: every statement is its own action and commits on its own',
};

interface Prepared {
  sql: string;
  statement?: Statement;
  paramTypes: number[];
  /** Undefined when the statement does not parse: any number of parameters is taken (policy decides on it). */
  paramCount?: number;
}

interface Ran {
  command: string;
  columns: ReturnType<typeof describeColumns>;
  rows: Array<Array<string | null>>;
  rowCount: number;
  truncated: boolean;
  tag: string;
}

interface Portal {
  prepared: Prepared;
  params: Array<string | null>;
  ran?: Ran;
  /** Rows already sent by Execute calls with a row limit. */
  sent: number;
}

type Phase = 'startup' | 'password' | 'ready' | 'closed';

/** A statement failed: the error is sent, and in the extended protocol messages are skipped until Sync. */
class StatementError extends Error {
  constructor(readonly fields: ErrorFields) {
    super(fields.message);
  }
}

const unsupported = (message: string): ErrorFields => ({ severity: 'ERROR', sqlState: '0A000', message });

/**
 * One client connection of the PostgreSQL wire listener. Startup (SSL and GSS encryption refused
 * with `N`), cleartext-password authentication with a token or API key, then simple and extended
 * query protocol; every statement is one action through ActionsService.submit, the same path as
 * POST /v1/actions, under this connection's own agent session id.
 */
export class PgConnection {
  readonly sessionId = `pg-${randomUUID()}`;
  private phase: Phase = 'startup';
  private buffer: Buffer = Buffer.alloc(0);
  private pumping = false;
  /** A statement is running: the idle timeout does not apply. */
  busy = false;
  private skipUntilSync = false;
  private caller?: Caller;
  private database = '';
  private user = '';
  private applicationName = '';
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();

  constructor(
    private readonly socket: Socket,
    private readonly ctx: PgWireContext,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** The connection got past authentication (it may be closed since). */
  get authenticated(): boolean {
    return this.caller !== undefined;
  }

  /** Ends the connection with a FATAL error (idle timeout, shutdown, protocol violation). */
  terminate(fields: Omit<ErrorFields, 'severity'>): void {
    if (this.phase === 'closed') return;
    this.write(errorResponse({ ...fields, severity: 'FATAL' }));
    this.close();
  }

  private close(): void {
    this.phase = 'closed';
    this.buffer = Buffer.alloc(0);
    this.socket.end();
  }

  private write(message: Buffer): void {
    if (this.phase !== 'closed' && this.socket.writable) this.socket.write(message);
  }

  private receive(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    // Backpressure: a client that pipelines far ahead waits until what it sent is handled.
    if (this.buffer.length > this.ctx.maxMessageBytes * 2) this.socket.pause();
    void this.pump();
  }

  /** The next complete message, by the framing of the current phase; undefined until it is whole. */
  private nextFrame(): { code: number; body: Buffer } | undefined {
    const startup = this.phase === 'startup';
    const header = startup ? 4 : 5;
    if (this.buffer.length < header) return undefined;
    const length = this.buffer.readInt32BE(startup ? 0 : 1);
    const limit = startup ? MAX_STARTUP_BYTES : this.ctx.maxMessageBytes;
    if (length < (startup ? 8 : 4)) throw new ProtocolViolation(`invalid message length ${length}`);
    if (length > limit) throw new ProtocolViolation(`message of ${length} bytes is over the limit of ${limit}`);
    const total = length + (startup ? 0 : 1);
    if (this.buffer.length < total) return undefined;
    const frame = { code: startup ? 0 : this.buffer[0], body: this.buffer.subarray(header, total) };
    this.buffer = this.buffer.subarray(total);
    return frame;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let frame = this.nextFrame(); frame && this.phase !== 'closed'; frame = this.nextFrame()) {
        if (this.phase === 'startup') await this.onStartup(parseStartup(frame.body));
        else await this.onMessage(parseFrontend(frame.code, frame.body));
        if (this.socket.isPaused() && this.buffer.length <= this.ctx.maxMessageBytes) this.socket.resume();
      }
    } catch (err) {
      if (err instanceof ProtocolViolation) {
        this.ctx.logger.warn({ sessionId: this.sessionId, err: err.message }, 'PostgreSQL protocol violation');
        this.terminate({ sqlState: '08P01', message: `protocol violation: ${err.message}` });
      } else {
        const errorId = randomUUID();
        this.ctx.logger.error({ sessionId: this.sessionId, errorId, err: (err as Error).message }, 'wire failure');
        this.terminate({ sqlState: 'XX000', message: `internal error ${errorId}` });
      }
    } finally {
      this.pumping = false;
    }
  }

  private async onStartup(message: StartupMessage): Promise<void> {
    switch (message.kind) {
      case 'ssl':
      case 'gssenc':
        // Plaintext only (put TLS in front of the listener); the client goes on without.
        this.socket.write(Buffer.from('N'));
        return;
      case 'cancel':
        // Statements are actions with their own timeouts; a cancel is not passed anywhere.
        this.ctx.logger.log({ processId: message.processId }, 'cancel request ignored');
        return this.close();
      case 'startup':
        return this.onStartupParams(message.minor, message.params);
    }
  }

  private async onStartupParams(minor: number, params: Record<string, string>): Promise<void> {
    if (this.ctx.refusal) return this.terminate(this.ctx.refusal);
    const replication = params.replication?.toLowerCase();
    if (replication !== undefined && !['false', 'off', 'no', '0'].includes(replication)) {
      return this.terminate({ sqlState: '0A000', message: 'replication connections are not supported' });
    }
    const extensions = Object.keys(params).filter((k) => k.startsWith('_pq_.'));
    if (minor > 0 || extensions.length > 0) this.write(negotiateProtocolVersion(extensions));
    this.user = (params.user ?? '').slice(0, 256);
    this.database = params.database || this.user;
    this.applicationName = (params.application_name ?? '').slice(0, 200);
    this.phase = 'password';
    this.write(authenticationCleartextPassword());
  }

  private async onMessage(message: FrontendMessage): Promise<void> {
    if (this.phase === 'password') return this.onPassword(message);
    if (message.type === 'terminate') return this.close();
    if (this.skipUntilSync && message.type !== 'sync') return;
    try {
      await this.onReadyMessage(message);
    } catch (err) {
      if (!(err instanceof StatementError)) throw err;
      this.write(errorResponse(err.fields));
      if (message.type !== 'query' && message.type !== 'unsupported') this.skipUntilSync = true;
      else this.write(readyForQuery());
    }
  }

  private async onPassword(message: FrontendMessage): Promise<void> {
    if (message.type !== 'password') throw new ProtocolViolation(`expected a password message, got ${message.type}`);
    let caller: Caller;
    try {
      caller = await this.ctx.authenticate(message.password);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const unavailable = err.code === 'AUTH.UNAVAILABLE';
      return this.terminate({
        sqlState: unavailable ? '58000' : '28P01',
        message: unavailable
          ? 'the identity provider is unavailable'
          : `password authentication failed for user "${this.user}"`,
        detail: unavailable ? undefined : `${err.message} (the password is a bearer token or a Verity API key)`,
      });
    }
    const connection = this.ctx.connections.has(this.database) ? this.ctx.connections.get(this.database) : undefined;
    if (!connection || connection.type !== 'postgres') {
      return this.terminate({
        sqlState: '3D000',
        message: `database "${this.database}" does not exist`,
        hint: 'The database name is the name of a PostgreSQL connection of the gateway.',
      });
    }
    try {
      this.ctx.actions.authorize(caller, this.database);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return this.terminate({ sqlState: '42501', message: err.message });
    }
    this.caller = caller;
    this.phase = 'ready';
    this.ctx.logger.log(
      {
        sessionId: this.sessionId,
        subject: caller.actor.subject,
        connection: this.database,
        application: this.applicationName,
      },
      'PostgreSQL wire session opened',
    );
    this.write(
      Buffer.concat([
        authenticationOk(),
        parameterStatus('server_version', '16.0 (Verity gateway)'),
        parameterStatus('server_encoding', 'UTF8'),
        parameterStatus('client_encoding', 'UTF8'),
        parameterStatus('DateStyle', 'ISO, MDY'),
        parameterStatus('IntervalStyle', 'postgres'),
        parameterStatus('TimeZone', 'UTC'),
        parameterStatus('integer_datetimes', 'on'),
        parameterStatus('standard_conforming_strings', 'on'),
        parameterStatus('is_superuser', 'off'),
        parameterStatus('session_authorization', this.user),
        parameterStatus('application_name', this.applicationName),
        parameterStatus('verity.session_id', this.sessionId),
        backendKeyData(this.ctx.processId, this.ctx.secretKey),
        readyForQuery(),
      ]),
    );
  }

  private async onReadyMessage(message: FrontendMessage): Promise<void> {
    switch (message.type) {
      case 'query':
        return this.simpleQuery(message.sql);
      case 'parse':
        return this.parse(message.name, message.sql, message.paramTypes);
      case 'bind':
        return this.bind(message);
      case 'describe':
        return this.describe(message.target, message.name);
      case 'execute':
        return this.execute(message.portal, message.maxRows);
      case 'close':
        if (message.target === 'S') this.statements.delete(message.name);
        else this.portals.delete(message.name);
        return this.write(closeComplete());
      case 'sync':
        // Every statement commits on its own; Sync ends the implicit transaction and its portals.
        this.skipUntilSync = false;
        this.portals.clear();
        return this.write(readyForQuery());
      case 'flush':
        return;
      case 'unsupported':
        throw new StatementError(unsupported(`${message.what} is not supported by the Verity gateway`));
      case 'password':
        throw new ProtocolViolation('unexpected password message');
      case 'terminate':
        return this.close();
    }
  }

  private async simpleQuery(sql: string): Promise<void> {
    this.statements.delete('');
    this.portals.delete('');
    const statements = splitStatements(sql);
    if (statements.length === 0) this.write(emptyQueryResponse());
    // Each statement is its own action, in order; the first error ends the query string.
    for (const statement of statements) {
      const ran = await this.run(statement, []);
      const out: Buffer[] = [];
      if (ran.columns.length > 0) out.push(rowDescription(ran.columns));
      for (const row of ran.rows) out.push(dataRow(row));
      if (ran.truncated) out.push(truncatedNotice(ran.rowCount));
      out.push(commandComplete(ran.tag));
      this.write(Buffer.concat(out));
    }
    this.write(readyForQuery());
  }

  private parse(name: string, sql: string, paramTypes: number[]): void {
    if (name !== '' && this.statements.has(name)) {
      throw new StatementError({
        severity: 'ERROR',
        sqlState: '42P05',
        message: `prepared statement "${name}" already exists`,
      });
    }
    const statements = splitStatements(sql);
    if (statements.length > 1) {
      throw new StatementError({
        severity: 'ERROR',
        sqlState: '42601',
        message: 'cannot insert multiple commands into a prepared statement',
      });
    }
    const counted = parameterCount(sql);
    const paramCount = counted === undefined ? undefined : Math.max(paramTypes.length, counted);
    this.statements.set(name, { sql, statement: statements[0], paramTypes, paramCount });
    this.write(parseComplete());
  }

  private bind(message: Extract<FrontendMessage, { type: 'bind' }>): void {
    const prepared = this.statements.get(message.statement);
    if (!prepared) {
      throw new StatementError({
        severity: 'ERROR',
        sqlState: '26000',
        message: `prepared statement "${message.statement}" does not exist`,
      });
    }
    if (message.paramFormats.some((f) => f !== 0) || message.resultFormats.some((f) => f !== 0)) {
      throw new StatementError(unsupported('binary format is not supported by the Verity gateway; use text'));
    }
    if (prepared.paramCount !== undefined && message.params.length !== prepared.paramCount) {
      throw new StatementError({
        severity: 'ERROR',
        sqlState: '08P01',
        message: `bind message supplies ${message.params.length} parameters, but prepared statement "${message.statement}" requires ${prepared.paramCount}`,
      });
    }
    const params = message.params.map((p) => (p === null ? null : p.toString('utf8')));
    this.portals.set(message.portal, { prepared, params, sent: 0 });
    this.write(bindComplete());
  }

  private portal(name: string): Portal {
    const portal = this.portals.get(name);
    if (!portal)
      throw new StatementError({ severity: 'ERROR', sqlState: '34000', message: `portal "${name}" does not exist` });
    return portal;
  }

  /**
   * Describe of a statement answers its parameters (declared types, else text) and NoData: the
   * columns are known only once the action ran. Describe of a portal runs the action (as
   * Execute would) so the RowDescription is the result's.
   */
  private async describe(target: 'S' | 'P', name: string): Promise<void> {
    if (target === 'S') {
      const prepared = this.statements.get(name);
      if (!prepared) {
        throw new StatementError({
          severity: 'ERROR',
          sqlState: '26000',
          message: `prepared statement "${name}" does not exist`,
        });
      }
      const count = prepared.paramCount ?? prepared.paramTypes.length;
      const types = Array.from({ length: count }, (_, i) => prepared.paramTypes[i] || TEXT_OID);
      return this.write(Buffer.concat([parameterDescription(types), noData()]));
    }
    const portal = this.portal(name);
    const ran = await this.runPortal(portal);
    this.write(ran && ran.columns.length > 0 ? rowDescription(ran.columns) : noData());
  }

  private async execute(name: string, maxRows: number): Promise<void> {
    const portal = this.portal(name);
    const ran = await this.runPortal(portal);
    if (!ran) return this.write(emptyQueryResponse());
    const end = maxRows > 0 ? Math.min(ran.rows.length, portal.sent + maxRows) : ran.rows.length;
    const out = ran.rows.slice(portal.sent, end).map(dataRow);
    portal.sent = end;
    if (end < ran.rows.length) out.push(portalSuspended());
    else {
      if (ran.truncated) out.push(truncatedNotice(ran.rowCount));
      out.push(commandComplete(ran.tag));
    }
    this.write(Buffer.concat(out));
  }

  /** The portal's action, run once (on its Describe or first Execute); undefined for an empty statement. */
  private async runPortal(portal: Portal): Promise<Ran | undefined> {
    const statement = portal.prepared.statement;
    if (!statement) return undefined;
    portal.ran ??= await this.run(statement, portal.params);
    return portal.ran;
  }

  /** One statement as one action: the same path as POST /v1/actions. */
  private async run(statement: Statement, params: Array<string | null>): Promise<Ran> {
    const refused = REFUSED[statement.kind];
    if (refused) {
      this.ctx.logger.warn({ sessionId: this.sessionId, kind: statement.kind }, 'statement refused by the wire');
      throw new StatementError(unsupported(refused));
    }
    const input = { sql: statement.sql, ...(params.length > 0 ? { params } : {}) };
    const problems = describeErrors(validateSync(plainToInstance(SqlPayloadV1, input), STRICT_VALIDATION));
    if (problems.length > 0) {
      throw new StatementError({
        severity: 'ERROR',
        sqlState: '54000',
        message: `statement refused: ${problems.join('; ')}`,
      });
    }
    this.busy = true;
    try {
      const outcome = await this.ctx.actions.submit(this.caller as Caller, {
        connection: this.database,
        operation: 'sql.query',
        input,
        sessionId: this.sessionId,
        agent: { tool: 'pgwire', ...(this.applicationName ? { model: this.applicationName } : {}) },
      });
      if (outcome.status === 'pending_review') throw new StatementError(pendingReviewError(outcome.body.actionId));
      const { result } = outcome.body;
      return {
        command: statement.command,
        columns: describeColumns(result),
        rows: result.rows.map((row) => row.map(textValue)),
        rowCount: result.rowCount,
        truncated: result.truncated,
        tag: commandTag(statement.command, result),
      };
    } catch (err) {
      if (err instanceof StatementError) throw err;
      if (err instanceof DomainError) throw new StatementError(errorFromDomain(err));
      const errorId = randomUUID();
      this.ctx.logger.error({ sessionId: this.sessionId, errorId, err: (err as Error).message }, 'statement failed');
      throw new StatementError({ severity: 'ERROR', sqlState: 'XX000', message: `internal error ${errorId}` });
    } finally {
      this.busy = false;
    }
  }
}

const truncatedNotice = (rows: number) =>
  noticeResponse({
    severity: 'WARNING',
    sqlState: '01000',
    message: `result truncated to ${rows} rows by the gateway's row cap`,
  });
