import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { REVIEW_STATES, ReviewState } from '../../actions/action.entity';
import { MAX_LIMIT } from '../../actions/dto/list-actions.dto';

/** `GET /v1/audit/reviews`. */
export class ListReviewsQuery {
  @IsOptional() @IsIn(REVIEW_STATES) state?: ReviewState;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_LIMIT) limit?: number;
  @IsOptional() @IsString() @MaxLength(1000) cursor?: string;
}
