import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Decision, DECISIONS, Operation, OPERATIONS } from '@verity/contracts';
import { ACTION_STATUSES, ActionStatus } from '../action-projection';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export const EXPORT_FORMATS = ['json', 'jsonl', 'csv', 'ocsf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Filters for `GET /v1/audit/actions`; every one optional, all combined with AND. */
export class ListActionsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9._:@-]+$/)
  sessionId?: string;

  /** The token subject, or a party acting for it (an agent). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  identity?: string;

  /** The acting agent (direct caller of the delegation chain). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  agent?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/)
  connection?: string;

  @IsOptional()
  @IsIn(OPERATIONS)
  operation?: Operation;

  /** A table the statement touches (read or written), as the policy's SQL analysis names it. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  table?: string;

  @IsOptional()
  @IsIn(DECISIONS)
  decision?: Decision;

  @IsOptional()
  @IsIn(ACTION_STATUSES)
  status?: ActionStatus;

  /** Requested at or after this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Requested before this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  /** Case-insensitive substring of the SQL or the agent's thought. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  /** `json` (default: one page), or an export of every match: `jsonl`, `csv`, `ocsf` (JSON Lines). */
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
