import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { REVIEW_STATES, ReviewState } from '../../actions/action.entity';
import { MAX_LIMIT } from '../../actions/dto/list-actions.dto';

/** `GET /v1/audit/reviews`. */
export class ListReviewsQuery {
  @ApiPropertyOptional({ description: 'Review state', enum: REVIEW_STATES })
  @IsOptional()
  @IsIn(REVIEW_STATES)
  state?: ReviewState;

  @ApiPropertyOptional({ description: 'Page size (1-500, default 50)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}
