import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_LIMIT } from '../../actions/dto/list-actions.dto';

/** `GET /v1/audit/alerts`. */
export class ListAlertsQuery {
  /** `budget_crossed`, `denied_burst`, `orphaned_action`, or another raised kind (`review.self_approval`). */
  @IsOptional() @IsString() @Matches(/^[a-z]+([._][a-z]+)*$/) @MaxLength(128) kind?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_LIMIT) limit?: number;
  @IsOptional() @IsString() @MaxLength(1000) cursor?: string;
}
