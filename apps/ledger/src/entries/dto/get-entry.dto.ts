import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class GetEntryParams {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  index: number;
}
