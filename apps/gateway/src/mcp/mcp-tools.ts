import {
  ActionPayloadV1,
  AgentContextV1,
  describeErrors,
  DomainError,
  HTTP_METHODS,
  HttpPayloadV1,
  Operation,
  SqlPayloadV1,
  STRICT_VALIDATION,
} from '@verity/contracts';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ActionsService, Caller } from '../actions/actions.service';
import { ConnectionRegistry, TargetConnection } from '../connections/connection-registry';

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
export interface McpCaller extends Caller {
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
 * The tools one MCP session offers: `list_connections`, `get_action_status`, and per
 * connection the caller may use (API keys: their scope) `query_<connection>` (PostgreSQL) or
 * `request_<connection>` (HTTP).
 * Every call goes through ActionsService — the same path as POST /v1/actions, with the same
 * events, decision, masking and ledger entries.
 */
export class McpTools {
  constructor(
    private readonly caller: McpCaller,
    private readonly actions: ActionsService,
    private readonly connections: ConnectionRegistry,
  ) {}

  /** The connections this caller may name (an API key: its scope), with their type. */
  private usable(): Array<{ name: string; type: TargetConnection['type']; tool: string }> {
    const names = this.connections.names().filter((n) => !this.caller.scope || this.caller.scope.includes(n));
    return names.map((name) => {
      const type = this.connections.get(name).type;
      return { name, type, tool: toolName(type === 'http' ? 'request' : 'query', name) };
    });
  }

  list(): ToolDefinition[] {
    const perConnection = this.usable().map(({ name, type, tool }) =>
      type === 'http' ? requestTool(tool, name) : queryTool(tool, name),
    );
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
      ...perConnection,
    ];
  }

  async call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
    try {
      if (name === 'list_connections') return answer({ connections: this.usable() });
      if (name === 'get_action_status') {
        const actionId = typeof args.actionId === 'string' ? args.actionId : '';
        return answer({ ...(await this.actions.find(this.caller.actor, actionId)) });
      }
      const target = this.usable().find((c) => c.tool === name);
      if (!target) return failure('TOOL.NOT_FOUND', `no tool ${name}`);
      return await this.run(target.name, target.type === 'http' ? 'http.request' : 'sql.query', name, args);
    } catch (err) {
      if (err instanceof DomainError) return failure(err.code, err.message, err.details);
      throw err;
    }
  }

  /** Validates the arguments with the contract's own classes, then submits like POST /v1/actions. */
  private async run(connection: string, operation: Operation, tool: string, args: Record<string, unknown>) {
    const { reason, step, ...input } = args;
    const payloadClass: ClassConstructor<object> = operation === 'http.request' ? HttpPayloadV1 : SqlPayloadV1;
    const payload = plainToInstance(payloadClass, input);
    const agent = plainToInstance(AgentContextV1, { thought: reason, step });
    const problems = [
      ...describeErrors(validateSync(payload, STRICT_VALIDATION)),
      ...describeErrors(validateSync(agent, STRICT_VALIDATION)).map((p) => p.replace(/^thought/, 'reason')),
    ];
    if (problems.length > 0) return failure('REQUEST.INVALID', 'invalid arguments', problems);
    const outcome = await this.actions.submit(this.caller, {
      connection,
      operation,
      input: input as unknown as ActionPayloadV1,
      sessionId: this.caller.sessionId,
      agent: {
        ...(agent.thought === undefined ? {} : { thought: agent.thought }),
        ...(agent.step === undefined ? {} : { step: agent.step }),
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

function queryTool(name: string, connection: string): ToolDefinition {
  return {
    name,
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
  };
}

function requestTool(name: string, connection: string): ToolDefinition {
  return {
    name,
    description: `Send one HTTP request to the API behind connection "${connection}" through Verity (its credentials are added for you): policy decides, the response comes back masked, and everything is recorded.`,
    inputSchema: {
      type: 'object',
      properties: {
        method: { type: 'string', enum: [...HTTP_METHODS] },
        path: { type: 'string', maxLength: 2048, description: 'Path under the API base, starting with /; no query.' },
        query: {
          type: 'object',
          additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        },
        headers: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'Extra headers; never credentials (the gateway adds them).',
        },
        body: { description: 'A JSON body.' },
        reason: REASON,
        step: STEP,
      },
      required: ['method', 'path'],
      additionalProperties: false,
    },
  };
}

function answer(body: Record<string, unknown>): ToolAnswer {
  return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
}

/** A refused or failed call, as a tool error the model can read (not a protocol error). */
function failure(code: string, message: string, details?: unknown): ToolAnswer {
  const error = { code, message, ...(details === undefined ? {} : { details }) };
  return { content: [{ type: 'text', text: JSON.stringify({ error }) }], structuredContent: { error }, isError: true };
}
