import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_LIMIT } from '../../actions/dto/list-actions.dto';

/** `GET /v1/audit/sessions`. */
export class ListSessionsQuery {
  @ApiPropertyOptional({ description: 'Token subject that owns the session' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  identity?: string;

  @ApiPropertyOptional({ description: 'Sessions active at or after this instant (last activity >= from; ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Sessions active before this instant (first activity < to; ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

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
