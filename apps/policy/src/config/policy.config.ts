import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';

export class PolicyConfig {
  @IsInt() @Min(1) @Max(65_535) POLICY_PORT = 8083;
  /** The Cedar policy bundle: a folder of `*.cedar` files, relative to the repo root unless absolute. */
  @IsString() @IsNotEmpty() VERITY_POLICY_DIR: string = 'deploy/policies';
  /** How often the folder's content hash is checked for changes; 0 turns reloading off. */
  @IsInt() @Min(0) @Max(3_600_000) POLICY_RELOAD_MS = 1000;
}
