import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Which log (shard = Kafka partition of the ledger's input) a request is about; default 0. */
export class ShardQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(65535) shard = 0;
}
