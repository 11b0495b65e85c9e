import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ArrayMaxSize,
  IsDefined,
} from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';

export const OPERATIONS = ['sql.query'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The exact statement the agent asked to run. */
export class SqlPayloadV1 {
  @IsString() @IsNotEmpty() @MaxLength(100_000) sql: string;
  @IsOptional() @IsArray() @ArrayMaxSize(1000) params?: unknown[];
}

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
  @IsDefined()
  @ValidateNested()
  @Type(() => SqlPayloadV1)
  payload: SqlPayloadV1;
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
