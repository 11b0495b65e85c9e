import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../actions/dto/page.query';

/** `GET /v1/audit/sessions`. */
export class ListSessionsQuery extends PageQuery {
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
}
