import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../actions/dto/page.query';

/** `GET /v1/audit/alerts`. */
export class ListAlertsQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'budget_crossed, denied_burst, orphaned_action, or another raised kind (e.g. review.self_approval)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]+([._][a-z]+)*$/)
  @MaxLength(128)
  kind?: string;
}
