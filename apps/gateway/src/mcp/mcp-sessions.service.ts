import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, isInitializeRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { ActorV1 } from '@verity/contracts';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ActionsService } from '../actions/actions.service';
import { GatewayConfig } from '../config/gateway.config';
import { ConnectionRegistry } from '../connections/connection-registry';
import { McpCaller, McpTools } from './mcp-tools';

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  actor: ActorV1;
  lastSeen: number;
}

const INSTRUCTIONS =
  'Verity records every call: say why you make it in the `reason` argument. Results are masked. A call that needs human review returns status pending_review; check it later with get_action_status instead of retrying.';

/**
 * The gateway's MCP sessions (Streamable HTTP, stateful). Each session belongs to the identity
 * that opened it: another token presenting its id gets 404, as for an unknown one. Its
 * `mcp-<uuid>` id is the agent session id of every action it runs. Idle sessions are closed.
 */
@Injectable()
export class McpSessions implements OnApplicationShutdown {
  private readonly logger = new Logger(McpSessions.name);
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: GatewayConfig,
    private readonly actions: ActionsService,
    private readonly connections: ConnectionRegistry,
  ) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(60_000, config.GATEWAY_MCP_IDLE_MS));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  async handle(req: Request, res: Response, actor: ActorV1, scope?: string[]): Promise<void> {
    const id = req.headers['mcp-session-id'];
    if (typeof id === 'string') {
      const session = this.sessions.get(id);
      if (!session || session.actor.subject !== actor.subject || session.actor.issuer !== actor.issuer) {
        return rpcError(res, 404, 'MCP.SESSION_NOT_FOUND', 'no such MCP session; initialize a new one');
      }
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res, req.body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) {
      return rpcError(res, 400, 'MCP.SESSION_REQUIRED', 'send initialize first, then the mcp-session-id it returns');
    }
    await this.open(req, res, actor, scope);
  }

  private async open(req: Request, res: Response, actor: ActorV1, scope?: string[]): Promise<void> {
    const caller: McpCaller = { actor, scope, sessionId: '' };
    const server = new Server(
      { name: 'verity-gateway', version: '1.0.0' },
      { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
    );
    const tools = new McpTools(caller, this.actions, this.connections);
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.list() }));
    server.setRequestHandler(CallToolRequestSchema, (request) =>
      tools.call(request.params.name, (request.params.arguments ?? {}) as Record<string, unknown>),
    );
    server.oninitialized = () => {
      const client = server.getClientVersion();
      if (client) caller.client = `${client.name}/${client.version}`.slice(0, 256);
    };
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => `mcp-${randomUUID()}`,
      onsessioninitialized: (sessionId) => {
        caller.sessionId = sessionId;
        this.sessions.set(sessionId, { transport, server, actor, lastSeen: Date.now() });
        this.logger.log({ sessionId, subject: actor.subject }, 'MCP session opened');
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.config.GATEWAY_MCP_IDLE_MS;
    for (const [id, session] of this.sessions) {
      if (session.lastSeen < cutoff) {
        this.sessions.delete(id);
        void session.server.close();
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => s.server.close()));
    this.sessions.clear();
  }
}

/** A JSON-RPC error answer outside any session (the SDK's shape), with Verity's code in `data`. */
function rpcError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message, data: { code } }, id: null });
}
