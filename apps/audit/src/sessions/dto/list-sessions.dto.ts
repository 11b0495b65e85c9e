import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_LIMIT } from '../../actions/dto/list-actions.dto';

/** `GET /v1/audit/sessions`. */
export class ListSessionsQuery {
  /** The token subject that owns the session. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(512) identity?: string;
  /** Sessions active at or after this instant (last activity ≥ from). */
  @IsOptional() @IsISO8601({ strict: true }) from?: string;
  /** Sessions active before this instant (first activity < to). */
  @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_LIMIT) limit?: number;
  @IsOptional() @IsString() @MaxLength(1000) cursor?: string;
}
