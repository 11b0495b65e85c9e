import { IsInt, Max, Min } from 'class-validator';

export class MaskingConfig {
  @IsInt() @Min(1) @Max(65_535) MASKING_PORT = 8084;
}
