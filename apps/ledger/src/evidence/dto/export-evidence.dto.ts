import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ShardQuery } from '../../shards/dto/shard-query.dto';

export class ExportEvidenceQuery extends ShardQuery {
  /** First entry index (default 0). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) from = 0;

  /** End of the range: rounded up to the next signed checkpoint size (default: the latest checkpoint). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) to?: number;

  /** Also prove consistency from this earlier tree size (one the auditor kept a checkpoint of). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) since?: number;

  /** `json` (default): one JSON document; `lines`: one line per entry, see bundle-lines.ts. */
  @IsOptional() @IsIn(['json', 'lines']) format?: 'json' | 'lines';
}
