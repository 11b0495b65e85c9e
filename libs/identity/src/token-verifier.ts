import { Injectable, Logger } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { ActorKind, ActorV1, DelegateV1, DomainError } from '@verity/contracts';
import { createLocalJWKSet, createRemoteJWKSet, errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { DevIssuer } from './dev-issuer';
import { DEV_AUDIENCE, DEV_ISSUER, IdentityConfig } from './identity.config';

interface Trust {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  algorithms: string[];
}

/** Reads the RFC 8693 `act` claim, nested for chains, into a list: direct caller first. */
export function actingParties(act: unknown): DelegateV1[] {
  const parties: DelegateV1[] = [];
  let current = act as { sub?: unknown; iss?: unknown; act?: unknown } | undefined;
  while (current && typeof current === 'object' && parties.length < 16) {
    if (typeof current.sub !== 'string' || !current.sub) break;
    parties.push({
      subject: current.sub,
      ...(typeof current.iss === 'string' ? { issuer: current.iss } : {}),
    });
    current = current.act as typeof current;
  }
  return parties;
}

function groupsFrom(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  return [];
}

function kindFrom(payload: JWTPayload, parties: DelegateV1[]): ActorKind {
  const declared = payload.verity_kind;
  if (declared === 'human' || declared === 'service' || declared === 'agent') return declared;
  return parties.length > 0 ? 'agent' : 'human';
}

/**
 * Verifies bearer tokens and turns them into the actor recorded on every event: signature
 * against the issuer's JWKS (remote, cached, refreshed on unknown kid) or the dev issuer's
 * key, `iss`, `aud`, `exp`/`nbf` with a small clock tolerance, and an algorithm allow-list.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);
  private readonly config = loadConfig(IdentityConfig);
  private trust: Promise<Trust> | undefined;

  get devMode(): boolean {
    return !this.config.OIDC_ISSUER;
  }

  private loadTrust(): Promise<Trust> {
    this.trust ??= (async (): Promise<Trust> => {
      const algorithms = this.config.OIDC_ALGORITHMS.split(',');
      if (!this.devMode) {
        const issuer = this.config.OIDC_ISSUER as string;
        const jwks = this.config.OIDC_JWKS_URI || `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
        return {
          issuer,
          audience: this.config.OIDC_AUDIENCE ?? '',
          keys: createRemoteJWKSet(new URL(jwks), {
            cacheMaxAge: this.config.OIDC_JWKS_CACHE_MS,
            cooldownDuration: this.config.OIDC_JWKS_COOLDOWN_MS,
            timeoutDuration: this.config.OIDC_JWKS_TIMEOUT_MS,
          }),
          algorithms,
        };
      }
      this.logger.warn(
        'DEV IDENTITY: OIDC_ISSUER is not set, so tokens from the built-in dev issuer (npm run token) are trusted. Never run this in production.',
      );
      const dev = await DevIssuer.load(this.config.VERITY_HOME);
      return {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        keys: createLocalJWKSet({ keys: [dev.publicJwk] }),
        algorithms: ['ES256'],
      };
    })();
    return this.trust;
  }

  async verify(token: string): Promise<ActorV1> {
    const trust = await this.loadTrust();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, trust.keys, {
        issuer: trust.issuer,
        audience: trust.audience || undefined,
        algorithms: trust.algorithms,
        clockTolerance: this.config.OIDC_CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      if (keysUnreachable(err)) {
        this.logger.error({ err: (err as Error).message }, "the issuer's keys (JWKS) could not be fetched");
        throw new DomainError('AUTH.UNAVAILABLE', "the identity provider's keys could not be fetched");
      }
      throw new DomainError('AUTH.UNAUTHENTICATED', `invalid token: ${describe(err)}`);
    }
    const parties = actingParties(payload.act);
    return {
      subject: payload.sub as string,
      issuer: payload.iss as string,
      kind: kindFrom(payload, parties),
      actingParties: parties,
      groups: groupsFrom(payload[this.config.OIDC_GROUPS_CLAIM]),
    };
  }
}

/** The JWKS endpoint did not answer or answered badly: not the caller's fault. */
function keysUnreachable(err: unknown): boolean {
  // By code, not instanceof: errors may come from another realm (the fetch, or a test VM).
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID') return true;
  if (code === 'ERR_JOSE_GENERIC') return typeof message === 'string' && /JSON Web Key Set/.test(message);
  // A network error from the fetch (ECONNREFUSED, ECONNRESET …).
  return typeof code === 'string' && !code.startsWith('ERR_J');
}

/** A reason a caller may see: never the token or key material. */
function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim ${err.claim} ${err.reason}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key matches its kid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  return 'verification failed';
}
