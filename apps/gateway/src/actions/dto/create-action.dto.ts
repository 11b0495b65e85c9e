import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AgentContextV1, Operation, SqlPayloadV1 } from '@verity/contracts';
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

/** The operations this gateway runs (a subset of the contract's OPERATIONS). */
export const GATEWAY_OPERATIONS = ['sql.query'] as const satisfies readonly Operation[];

/** OpenAPI shape of `input` (validation is SqlPayloadV1's, from the contract). */
class SqlInputDoc {
  @ApiProperty({ maxLength: 100_000, example: 'SELECT id, email FROM customers WHERE city = $1' }) sql: string;
  @ApiPropertyOptional({ type: 'array', maxItems: 1000, items: {}, example: ['Lisbon'] }) params?: unknown[];
}

/** OpenAPI shape of `agent` (validation is AgentContextV1's, from the contract). */
class AgentStepDoc {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000 }) step?: number;
  @ApiPropertyOptional({ maxLength: 20_000, description: "the agent's reasoning for this step" }) thought?: string;
  @ApiPropertyOptional({ maxLength: 256, description: 'the tool the agent called' }) tool?: string;
  @ApiPropertyOptional({ maxLength: 256 }) model?: string;
}

/**
 * Body of POST /v1/actions. `input` and `agent` are the action.requested contract's own classes,
 * so a request the gateway accepts is always a valid intent.
 */
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

  @ApiProperty({ type: () => SqlInputDoc, description: 'the exact statement and its positional parameters ($1, $2 …)' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SqlPayloadV1)
  input: SqlPayloadV1;

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
