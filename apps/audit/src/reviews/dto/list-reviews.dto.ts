import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { REVIEW_STATES, ReviewState } from '../../actions/action.entity';
import { PageQuery } from '../../actions/dto/page.query';

/** `GET /v1/audit/reviews`. */
export class ListReviewsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Review state', enum: REVIEW_STATES })
  @IsOptional()
  @IsIn(REVIEW_STATES)
  state?: ReviewState;
}
