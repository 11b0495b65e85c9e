import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  ActionPayloadV1,
  AgentContextV1,
  FORBIDDEN_HTTP_HEADERS,
  HTTP_METHODS,
  HttpPayloadV1,
  Operation,
  payloadType,
  SqlPayloadV1,
} from '@verity/contracts';
import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CONNECTION_NAME } from '../../connections/connections-file';

/** The operations this gateway runs (a subset of the contract's OPERATIONS). */
export const GATEWAY_OPERATIONS = ['sql.query', 'http.request'] as const satisfies readonly Operation[];

/** OpenAPI shape of `input` for `sql.query` (validation is SqlPayloadV1's, from the contract). */
class SqlInputDoc {
  @ApiProperty({ maxLength: 100_000, example: 'SELECT id, email FROM customers WHERE city = $1' }) sql: string;
  @ApiPropertyOptional({ type: 'array', maxItems: 1000, items: {}, example: ['Lisbon'] }) params?: unknown[];
}

/** OpenAPI shape of `input` for `http.request` (validation is HttpPayloadV1's, from the contract). */
class HttpInputDoc {
  @ApiProperty({ enum: HTTP_METHODS, example: 'GET' }) method: string;
  @ApiProperty({
    maxLength: 2048,
    example: '/customers/42',
    description:
      "relative to the connection's base URL: one leading /, no . or .. segments (encoded or not), no query, fragment, backslash or control characters",
  })
  path: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    maxProperties: 100,
    example: { city: 'Lisbon', fields: ['id', 'email'] },
    description: 'query parameters, encoded by the gateway; a list repeats the name',
  })
  query?: Record<string, string | string[]>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    maxProperties: 50,
    example: { accept: 'application/json' },
    description: `single-line values; never ${FORBIDDEN_HTTP_HEADERS.join(', ')} (the gateway adds the credential)`,
  })
  headers?: Record<string, string>;
  @ApiPropertyOptional({
    description:
      'any JSON value, sent as application/json; a string is sent as it is when headers name another content-type. Not with GET or HEAD.',
    example: { status: 'active' },
  })
  body?: unknown;
}

/** OpenAPI shape of `agent` (validation is AgentContextV1's, from the contract). */
class AgentStepDoc {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000 }) step?: number;
  @ApiPropertyOptional({ maxLength: 20_000, description: "the agent's reasoning for this step" }) thought?: string;
  @ApiPropertyOptional({ maxLength: 256, description: 'the tool the agent called' }) tool?: string;
  @ApiPropertyOptional({ maxLength: 256 }) model?: string;
}

/** Input fields that hold any JSON: class-transformer must not rebuild them. */
const FREE_FORM_FIELDS = ['params', 'query', 'headers', 'body'] as const;

/**
 * Puts the free-form fields back as the agent sent them. class-transformer rebuilds nested plain
 * objects and, doing so, drops keys named like Object.prototype methods (`toString`, `valueOf`,
 * `hasOwnProperty` …): the request would silently differ from what the agent sent, and a header
 * such as `{ "valueOf": [] }` would escape validation. (Nest's ValidationPipe removes
 * `__proto__`, `prototype` and `constructor` keys at every depth before this runs.)
 */
function keepFreeFormFields(value: unknown, source: unknown): unknown {
  if (typeof value !== 'object' || value === null || typeof source !== 'object' || source === null) return value;
  for (const field of FREE_FORM_FIELDS) {
    if (Object.prototype.hasOwnProperty.call(source, field)) {
      Object.defineProperty(value, field, {
        value: (source as Record<string, unknown>)[field],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return value;
}

/**
 * Body of POST /v1/actions. `input` (chosen by `operation`) and `agent` are the
 * action.requested contract's own classes, so a request the gateway accepts is always a valid
 * intent.
 */
@ApiExtraModels(SqlInputDoc, HttpInputDoc)
export class CreateActionDto {
  @ApiProperty({
    description: 'a connection name from the connections file',
    example: 'demo-db',
    pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  })
  @IsString()
  @Matches(CONNECTION_NAME, { message: 'connection must be a registered connection name' })
  connection: string;

  @ApiProperty({ enum: GATEWAY_OPERATIONS, example: 'sql.query' })
  @IsIn(GATEWAY_OPERATIONS)
  operation: Operation;

  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(SqlInputDoc) }, { $ref: getSchemaPath(HttpInputDoc) }],
    description:
      '`sql.query`: the exact statement and its positional parameters ($1, $2 …). `http.request`: the request, relative to the connection’s base URL.',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  // class-transformer hands payloadType the source object, so `operation` picks the class.
  @Type(payloadType)
  @Transform(({ value, obj }) => keepFreeFormFields(value, (obj as { input?: unknown }).input))
  input: ActionPayloadV1;

  @ApiPropertyOptional({
    description: 'the agent session; generated when absent',
    maxLength: 256,
    pattern: '^[A-Za-z0-9._:@-]+$',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9._:@-]+$/, { message: 'sessionId may hold letters, digits and . _ : @ - only' })
  sessionId?: string;

  @ApiPropertyOptional({ type: () => AgentStepDoc, description: 'the ReAct step that produced this action' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AgentContextV1)
  agent?: AgentContextV1;
}

/**
 * The payload recorded and digested in the intent, as a plain object: SQL parameters default
 * to `[]`; the optional HTTP parts appear only when given.
 */
export function toPayload(operation: Operation, input: ActionPayloadV1): ActionPayloadV1 {
  if (operation === 'http.request') {
    const { method, path, query, headers, body } = input as HttpPayloadV1;
    return {
      method,
      path,
      ...(query === undefined ? {} : { query }),
      ...(headers === undefined ? {} : { headers }),
      ...(body === undefined ? {} : { body }),
    };
  }
  const { sql, params } = input as SqlPayloadV1;
  return { sql, params: params ?? [] };
}
