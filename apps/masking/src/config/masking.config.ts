import { IsInt, IsString, Max, Min } from 'class-validator';

export class MaskingConfig {
  @IsInt() @Min(1) @Max(65_535) MASKING_PORT = 8084;
  /** JSON file with extra or overriding profiles (`[{ name, strategies: { email: 'token' }, fallback }]`); empty: built-ins only. */
  @IsString() MASKING_PROFILES = '';
  /** HMAC key for deterministic tokens, hex or base64, at least 32 bytes; empty: `<VERITY_HOME>/masking-keys/token.key`, generated once. */
  @IsString() MASKING_TOKEN_KEY = '';
  /** Runtime state folder; empty means `<cwd>/.verity`. */
  @IsString() VERITY_HOME = '';
}
