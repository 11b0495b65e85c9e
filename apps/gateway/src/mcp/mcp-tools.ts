import { ActorV1, DomainError } from '@verity/contracts';
import { ActionsService } from '../actions/actions.service';
import { ConnectionRegistry } from '../connections/connection-registry';

/** A tool as MCP lists it: a name, what it does, and a JSON Schema for its arguments. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: { type: 'object'; properties: Record<string, object>; required?: string[]; additionalProperties: false };
}

/** What a tool call answers: text for the model, the same as structured content, and whether it failed. */
export interface ToolAnswer {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent: Record<string, unknown>;
  isError?: boolean;
}

/** Who calls, in which MCP session, with which client: fixed for the session's lifetime. */
export interface McpCaller {
  actor: ActorV1;
  /** API-key callers are limited to these connections; token callers are not (policy decides). */
  scope?: string[];
  /** The agent session id every action of this MCP session is recorded under. */
  sessionId: string;
  /** The MCP client's name and version (from `initialize`), recorded as the agent's model/tool context. */
  client?: string;
}

const REASON = {
  type: 'string',
  maxLength: 20_000,
  description: 'Why you want to do this (your current thought). Recorded with the action for the audit trail.',
};
const STEP = {
  type: 'integer',
  minimum: 0,
  maximum: 1_000_000,
  description: 'Your ReAct step number, if you keep one.',
};

const toolName = (prefix: string, connection: string) => `${prefix}_${connection.replace(/-/g, '_')}`;

/**
 * The tools one MCP session offers: `list_connections`, `get_action_status`, and one
 * `query_<connection>` per PostgreSQL connection the caller may use (API keys: their scope).
 * Every call goes through ActionsService — the same path as POST /v1/actions, with the same
 * events, decision, masking and ledger entries.
 */
export class McpTools {
  constructor(
    private readonly caller: McpCaller,
    private readonly actions: ActionsService,
    private readonly connections: ConnectionRegistry,
  ) {}

  private usable(): string[] {
    const names = this.connections.names();
    return this.caller.scope ? names.filter((n) => this.caller.scope!.includes(n)) : names;
  }

  list(): ToolDefinition[] {
    const queries = this.usable().map((connection): ToolDefinition => ({
      name: toolName('query', connection),
      description: `Run one SQL statement (PostgreSQL) on connection "${connection}" through Verity: policy decides, results come back masked, and everything is recorded. Writes may be held for human review.`,
      inputSchema: {
        type: 'object',
        properties: {
          sql: {
            type: 'string',
            minLength: 1,
            maxLength: 100_000,
            description: 'The statement; use $1, $2 … for values.',
          },
          params: { type: 'array', maxItems: 1000, items: {}, description: 'Values for $1, $2 …' },
          reason: REASON,
          step: STEP,
        },
        required: ['sql'],
        additionalProperties: false,
      },
    }));
    return [
      {
        name: 'list_connections',
        description: 'The connections you may name, and the tool for each.',
        inputSchema: { type: 'object', properties: {}, additionalProperties: false },
      },
      {
        name: 'get_action_status',
        description:
          'Where one of your actions stands (e.g. one held for human review): its status and, once it ran, its masked result.',
        inputSchema: {
          type: 'object',
          properties: { actionId: { type: 'string', description: 'The actionId a tool call returned.' } },
          required: ['actionId'],
          additionalProperties: false,
        },
      },
      ...queries,
    ];
  }

  async call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
    try {
      if (name === 'list_connections') {
        return answer({
          connections: this.usable().map((c) => ({ name: c, type: 'postgres', tool: toolName('query', c) })),
        });
      }
      if (name === 'get_action_status') {
        const actionId = typeof args.actionId === 'string' ? args.actionId : '';
        return answer({ ...(await this.actions.find(this.caller.actor, actionId)) });
      }
      const connection = this.usable().find((c) => toolName('query', c) === name);
      if (!connection) return failure('TOOL.NOT_FOUND', `no tool ${name}`);
      return await this.query(connection, name, args);
    } catch (err) {
      if (err instanceof DomainError) return failure(err.code, err.message, err.details);
      throw err;
    }
  }

  private async query(connection: string, tool: string, args: Record<string, unknown>): Promise<ToolAnswer> {
    const { sql, params, reason, step } = args;
    const problems = [
      typeof sql === 'string' && sql.length > 0 && sql.length <= 100_000 ? null : 'sql: a non-empty string is required',
      params === undefined || (Array.isArray(params) && params.length <= 1000) ? null : 'params: an array of values',
      reason === undefined || (typeof reason === 'string' && reason.length <= 20_000) ? null : 'reason: a string',
      step === undefined || (Number.isInteger(step) && (step as number) >= 0) ? null : 'step: a whole number',
      ...Object.keys(args)
        .filter((k) => !['sql', 'params', 'reason', 'step'].includes(k))
        .map((k) => `${k}: not an argument of ${tool}`),
    ].filter((p): p is string => p !== null);
    if (problems.length > 0) return failure('REQUEST.INVALID', 'invalid arguments', problems);
    const outcome = await this.actions.submit(this.caller.actor, {
      connection,
      operation: 'sql.query',
      input: { sql: sql as string, ...(params === undefined ? {} : { params: params as unknown[] }) },
      sessionId: this.caller.sessionId,
      agent: {
        ...(typeof reason === 'string' ? { thought: reason } : {}),
        ...(typeof step === 'number' ? { step } : {}),
        tool: `mcp:${tool}`,
        ...(this.caller.client ? { model: this.caller.client } : {}),
      },
    });
    if (outcome.status === 'pending_review') {
      return answer({
        ...outcome.body,
        message: `Held for human review. Nothing ran yet. Call get_action_status with actionId ${outcome.body.actionId} later to see whether it was approved and its result.`,
      });
    }
    return answer({ ...outcome.body });
  }
}

function answer(body: Record<string, unknown>): ToolAnswer {
  return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
}

/** A refused or failed call, as a tool error the model can read (not a protocol error). */
function failure(code: string, message: string, details?: unknown): ToolAnswer {
  const error = { code, message, ...(details === undefined ? {} : { details }) };
  return { content: [{ type: 'text', text: JSON.stringify({ error }) }], structuredContent: { error }, isError: true };
}
