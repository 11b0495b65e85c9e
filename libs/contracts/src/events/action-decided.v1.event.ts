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
