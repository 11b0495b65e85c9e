import { IsInt, Max, Min } from 'class-validator';

export class PolicyConfig {
  @IsInt() @Min(1) @Max(65_535) POLICY_PORT = 8083;
}
