import { AgentContextV1, OPERATIONS, Operation, SqlPayloadV1 } from '@verity/contracts';
import { Type } from 'class-transformer';
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

/**
 * Body of POST /v1/actions. `input` and `agent` are the action.requested contract's own classes,
 * so a request the gateway accepts is always a valid intent.
 */
export class CreateActionDto {
  @IsString()
  @Matches(CONNECTION_NAME, { message: 'connection must be a registered connection name' })
  connection: string;

  @IsIn(OPERATIONS) operation: Operation;

  @IsDefined() @IsObject() @ValidateNested() @Type(() => SqlPayloadV1) input: SqlPayloadV1;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9._:@-]+$/, { message: 'sessionId may hold letters, digits and . _ : @ - only' })
  sessionId?: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => AgentContextV1) agent?: AgentContextV1;
}
