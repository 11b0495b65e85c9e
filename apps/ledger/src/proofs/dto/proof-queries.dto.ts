import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class InclusionQuery {
  /** Prove against the signed checkpoint of this size (default: the latest). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) treeSize?: number;
}

export class ConsistencyQuery {
  @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) from: number;
  @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) to: number;
}

export class EventIdParams {
  @IsUUID() eventId: string;
}
