import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  IsDefined,
} from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { ActionPayloadV1, HttpPayloadV1, OPERATIONS, Operation, payloadType, SqlPayloadV1 } from './action-payload';

/** The ReAct step that produced this action: why the agent wants it. */
export class AgentContextV1 {
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) step?: number;
  @IsOptional() @IsString() @MaxLength(20_000) thought?: string;
  @IsOptional() @IsString() @MaxLength(256) tool?: string;
  @IsOptional() @IsString() @MaxLength(256) model?: string;
}

export class ActionRequestedV1 {
  @IsString() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/) connection: string;
  @IsIn(OPERATIONS) operation: Operation;
  /** The operation's payload: SqlPayloadV1 for `sql.query`, HttpPayloadV1 for `http.request`. */
  @IsDefined()
  @ValidateNested()
  @Type(payloadType)
  payload: ActionPayloadV1;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of `payload`. */
  @Matches(/^[0-9a-f]{64}$/) payloadDigest: string;
  @IsDefined()
  @ValidateNested()
  @Type(() => AgentContextV1)
  agent: AgentContextV1;
}

export const ActionRequested: EventDefinition<ActionRequestedV1> = {
  type: 'verity.action.requested.v1',
  version: 1,
  topic: 'gateway.action.requested.v1',
  payload: ActionRequestedV1,
  ledgered: true,
  key: bySession,
};

/** The SQL payload of a `sql.query` intent; undefined for other operations. */
export function sqlPayloadOf(request: ActionRequestedV1): SqlPayloadV1 | undefined {
  return request.operation === 'sql.query' ? (request.payload as SqlPayloadV1) : undefined;
}

/** The HTTP payload of an `http.request` intent; undefined for other operations. */
export function httpPayloadOf(request: ActionRequestedV1): HttpPayloadV1 | undefined {
  return request.operation === 'http.request' ? (request.payload as HttpPayloadV1) : undefined;
}
