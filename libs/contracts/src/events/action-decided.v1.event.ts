import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  IsDefined,
} from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';

export const DECISIONS = ['allow', 'deny', 'review'] as const;
export type Decision = (typeof DECISIONS)[number];

/** What the gateway must do when it runs an allowed action. */
export class ObligationsV1 {
  @IsOptional() @IsString() @MaxLength(64) maskingProfile?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) rowLimit?: number;
  @IsOptional() @IsBoolean() readOnly?: boolean;
}

export const SQL_STATEMENT_CLASSES = ['read', 'write', 'ddl', 'admin'] as const;
export type SqlClassV1 = (typeof SQL_STATEMENT_CLASSES)[number];

/** Facts the policy engine read from the payload. */
export class SqlAnalysisV1 {
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  statementKinds: string[];
  @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) tablesRead: string[];
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  tablesWritten: string[];
  @IsBoolean() readOnly: boolean;
  // Added later, so optional: decisions recorded before carry only the four fields above.
  /** What the statements do, each once: `read`, `write`, `ddl`, `admin` (the Cedar actions evaluated). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(SQL_STATEMENT_CLASSES, { each: true })
  classes?: SqlClassV1[];
  /** Every function called, lower case, qualified as written. */
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) functions?: string[];
  /** Tables a DELETE without WHERE acts on. */
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) deleteWithoutWhere?: string[];
  /** Tables an UPDATE without WHERE acts on. */
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) updateWithoutWhere?: string[];
  /** Number of top-level statements in the batch. */
  @IsOptional() @IsInt() @Min(0) @Max(100_000) statementCount?: number;
}

export class ActionDecidedV1 {
  @IsIn(DECISIONS) decision: Decision;
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  reasons: string[];
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) policyIds: string[];
  @IsString() @IsNotEmpty() @MaxLength(128) bundleRevision: string;
  @IsDefined()
  @ValidateNested()
  @Type(() => ObligationsV1)
  obligations: ObligationsV1;
  @IsOptional()
  @ValidateNested()
  @Type(() => SqlAnalysisV1)
  analysis?: SqlAnalysisV1;
}

export const ActionDecided: EventDefinition<ActionDecidedV1> = {
  type: 'verity.action.decided.v1',
  version: 1,
  topic: 'policy.action.decided.v1',
  payload: ActionDecidedV1,
  ledgered: true,
  key: bySession,
};
