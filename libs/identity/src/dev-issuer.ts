import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from './identity.config';

export interface MintOptions {
  sub: string;
  groups?: string[];
  /** RFC 8693 `act` claim: who acts for `sub`, nested for chains. */
  act?: { sub: string; act?: MintOptions['act'] };
  kind?: 'human' | 'service' | 'agent';
  ttlSeconds?: number;
  /** Extra claims, for tests of hostile tokens. */
  claims?: JWTPayload;
}

const ALG = 'ES256';

/** The folder for runtime state: VERITY_HOME, else `<cwd>/.verity`. */
export function verityHome(configured?: string): string {
  return configured || process.env.VERITY_HOME || path.join(process.cwd(), '.verity');
}

interface KeyFile {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * Development identity provider. Its ES256 key pair is generated on first use into
 * `<VERITY_HOME>/dev-keys/` (git-ignored, mode 0600) and shared by every local service and
 * by `npm run token`. Never used when OIDC_ISSUER is set.
 */
export class DevIssuer {
  private constructor(
    private readonly kid: string,
    private readonly privateKey: KeyLike | Uint8Array,
    readonly publicJwk: JWK,
  ) {}

  static async load(home?: string): Promise<DevIssuer> {
    const dir = path.join(verityHome(home), 'dev-keys');
    const file = path.join(dir, 'issuer.json');
    let keys: KeyFile;
    try {
      keys = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
    } catch {
      keys = await DevIssuer.generate(file, dir);
    }
    return new DevIssuer(keys.kid, await importJWK(keys.privateJwk, ALG), keys.publicJwk);
  }

  private static async generate(file: string, dir: string): Promise<KeyFile> {
    const { privateKey, publicKey } = await generateKeyPair(ALG, {
      extractable: true,
    });
    const kid = `dev-${Date.now().toString(36)}`;
    const keys: KeyFile = {
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' },
    };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
      return keys;
    } catch {
      // Another process created it first: use theirs so every service agrees.
      return JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
    }
  }

  async mint(options: MintOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      sub: options.sub,
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      iat: now,
      exp: now + (options.ttlSeconds ?? 3600),
      groups: options.groups ?? ['analysts'],
      ...(options.act ? { act: options.act } : {}),
      ...(options.kind ? { verity_kind: options.kind } : {}),
      ...options.claims,
    };
    return new SignJWT(claims).setProtectedHeader({ alg: ALG, kid: this.kid, typ: 'JWT' }).sign(this.privateKey);
  }
}
