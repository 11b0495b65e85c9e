import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Decision, DECISIONS, Operation, OPERATIONS } from '@verity/contracts';
import { ACTION_STATUSES, ActionStatus } from '../action-projection';

export { DEFAULT_LIMIT, MAX_LIMIT } from './page.query';
/** With an export (`format` other than json), `limit` caps the rows exported. */
export const MAX_EXPORT_LIMIT = 100_000_000;

export const EXPORT_FORMATS = ['json', 'jsonl', 'csv', 'ocsf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Filters for `GET /v1/audit/actions`; every one optional, all combined with AND. */
export class ListActionsQuery {
  @ApiPropertyOptional({ description: 'Agent session id' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9._:@-]+$/)
  sessionId?: string;

  /** The token subject, or a party acting for it (an agent). */
  @ApiPropertyOptional({ description: 'Token subject, or a party acting for it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  identity?: string;

  /** The acting agent (direct caller of the delegation chain). */
  @ApiPropertyOptional({ description: 'The acting agent (direct caller of the delegation chain)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  agent?: string;

  @ApiPropertyOptional({ description: 'Connection name' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/)
  connection?: string;

  @ApiPropertyOptional({ description: 'Operation', enum: OPERATIONS })
  @IsOptional()
  @IsIn(OPERATIONS)
  operation?: Operation;

  /** A table the statement touches (read or written), as the policy's SQL analysis names it. */
  @ApiPropertyOptional({ description: 'A table the statement touches (from the SQL analysis)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  table?: string;

  @ApiPropertyOptional({ description: 'Policy decision', enum: DECISIONS })
  @IsOptional()
  @IsIn(DECISIONS)
  decision?: Decision;

  @ApiPropertyOptional({ description: 'Lifecycle status', enum: ACTION_STATUSES })
  @IsOptional()
  @IsIn(ACTION_STATUSES)
  status?: ActionStatus;

  /** Requested at or after this instant (ISO 8601). */
  @ApiPropertyOptional({ description: 'Requested at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Requested before this instant (ISO 8601). */
  @ApiPropertyOptional({ description: 'Requested before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  /** Case-insensitive substring of the SQL or the agent's thought. */
  @ApiPropertyOptional({ description: "Case-insensitive substring of the SQL or the agent's thought" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  q?: string;

  @ApiPropertyOptional({ description: 'Page size (1-500, default 50); with an export, the most rows to export' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EXPORT_LIMIT)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  /** `json` (default: one page), or an export of every match: `jsonl`, `csv`, `ocsf` (JSON Lines). */
  @ApiPropertyOptional({
    description:
      'json (a page, default) or an export of every match: jsonl, csv, ocsf (OCSF 1.3.0 records as JSON Lines)',
    enum: EXPORT_FORMATS,
  })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
