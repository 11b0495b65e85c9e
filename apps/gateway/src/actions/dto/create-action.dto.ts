import { OPERATIONS, Operation } from '@verity/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CONNECTION_NAME } from '../../connections/connections-file';

/** The statement to run; `params` bind to $1, $2 … (never interpolated into the text). */
export class SqlInputDto {
  @IsString() @IsNotEmpty() @MaxLength(100_000) sql: string;
  @IsOptional() @IsArray() @ArrayMaxSize(1000) params?: unknown[];
}

/** The agent's ReAct step: why it asks. Recorded with the intent. */
export class AgentContextDto {
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) step?: number;
  @IsOptional() @IsString() @MaxLength(20_000) thought?: string;
  @IsOptional() @IsString() @MaxLength(256) tool?: string;
  @IsOptional() @IsString() @MaxLength(256) model?: string;
}

/** Body of POST /v1/actions. Limits match the action.requested contract. */
export class CreateActionDto {
  @IsString()
  @Matches(CONNECTION_NAME, { message: 'connection must be a registered connection name' })
  connection: string;

  @IsIn(OPERATIONS) operation: Operation;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => SqlInputDto) input: SqlInputDto;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9._:@-]+$/, { message: 'sessionId may hold letters, digits and . _ : @ - only' })
  sessionId?: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => AgentContextDto) agent?: AgentContextDto;
}
