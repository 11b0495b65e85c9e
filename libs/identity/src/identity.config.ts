import { IsInt, Matches, IsNotEmpty, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

const ALG = '(RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA)';
const ALGORITHM_LIST = new RegExp(`^${ALG}(,${ALG})*$`);

/** Identity settings. With no OIDC_ISSUER the built-in dev issuer is trusted instead. */
export class IdentityConfig {
  @IsOptional() @IsUrl({ require_tld: false }) OIDC_ISSUER?: string = undefined;
  @IsOptional() @IsString() OIDC_AUDIENCE?: string = undefined;
  @IsOptional() @IsUrl({ require_tld: false }) OIDC_JWKS_URI?: string = undefined;
  /** The claim that carries group names (a string array or a space-separated string). */
  @IsString() @IsNotEmpty() OIDC_GROUPS_CLAIM = 'groups';
  /** Accepted signature algorithms; never `none`, never HMAC (no shared secrets with an IdP). */
  @Matches(ALGORITHM_LIST, {
    message: 'OIDC_ALGORITHMS must list asymmetric JWS algorithms, comma-separated',
  })
  OIDC_ALGORITHMS = 'RS256,PS256,ES256,ES384,EdDSA';
  @IsInt() @Min(0) @Max(300) OIDC_CLOCK_TOLERANCE_S = 30;
  /** How long fetched issuer keys are trusted before they are fetched again. */
  @IsInt() @Min(1_000) @Max(86_400_000) OIDC_JWKS_CACHE_MS = 10 * 60_000;
  /** Least time between two JWKS fetches: a token with an unknown kid refetches only after it. */
  @IsInt() @Min(0) @Max(3_600_000) OIDC_JWKS_COOLDOWN_MS = 30_000;
  /** How long one JWKS fetch may take. */
  @IsInt() @Min(100) @Max(60_000) OIDC_JWKS_TIMEOUT_MS = 5_000;
  /** Runtime state folder (dev keys live in its dev-keys/). */
  @IsOptional() @IsString() VERITY_HOME?: string = undefined;
}

export const DEV_ISSUER = 'urn:verity:dev-issuer';
export const DEV_AUDIENCE = 'verity';
