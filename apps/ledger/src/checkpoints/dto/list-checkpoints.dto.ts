import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ShardQuery } from '../../shards/dto/shard-query.dto';

export class ListCheckpointsQuery extends ShardQuery {
  /** Smallest tree size to list. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) from = 0;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
}
