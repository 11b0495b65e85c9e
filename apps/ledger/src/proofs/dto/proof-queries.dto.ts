import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ShardQuery } from '../../shards/dto/shard-query.dto';

export class InclusionQuery {
  /** Prove against the signed checkpoint of this size (default: the latest). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) treeSize?: number;
}

/** An entry of a shard's log by index, with its inclusion proof. */
export class EntryQuery extends ShardQuery {
  /** Prove against the signed checkpoint of this size (default: the latest). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) treeSize?: number;
}

export class ConsistencyQuery extends ShardQuery {
  @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) from: number;
  @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) to: number;
}

export class EventIdParams {
  @IsUUID() eventId: string;
}
