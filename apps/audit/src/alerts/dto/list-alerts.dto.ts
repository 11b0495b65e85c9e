import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_LIMIT } from '../../actions/dto/list-actions.dto';

/** `GET /v1/audit/alerts`. */
export class ListAlertsQuery {
  @ApiPropertyOptional({
    description: 'budget_crossed, denied_burst, orphaned_action, or another raised kind (e.g. review.self_approval)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]+([._][a-z]+)*$/)
  @MaxLength(128)
  kind?: string;

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
