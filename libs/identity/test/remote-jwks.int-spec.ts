// The production identity path: tokens verified against an issuer's JWKS fetched over real HTTP
// from a local server (node:http on 127.0.0.1), with caching and key rotation on unknown kid.
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TokenVerifier } from '../src/token-verifier';

const AUDIENCE = 'verity-api';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A minimal identity provider: serves its current key set and counts fetches. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  status = 200;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.url !== '/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      this.fetches += 1;
      res.writeHead(this.status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('TokenVerifier against a remote JWKS', () => {
  const idp = new JwksServer();
  let first: SigningKey;
  let issuer: string;
  const saved = { ...process.env };

  const verifier = (env: Record<string, string> = {}): TokenVerifier => {
    process.env = {
      ...saved,
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URI: `${idp.url}/jwks.json`,
      OIDC_JWKS_COOLDOWN_MS: '0',
      OIDC_GROUPS_CLAIM: 'roles',
      ...env,
    };
    return new TokenVerifier();
  };

  /** Claims given here override the standard ones. */
  const token = (key: SigningKey, claims: Record<string, unknown> = {}, alg = 'RS256') => {
    const now = Math.floor(Date.now() / 1000);
    const standard = { sub: 'alice', iss: issuer, aud: AUDIENCE, iat: now, exp: now + 300, roles: ['analysts'] };
    return new SignJWT({ ...standard, ...claims }).setProtectedHeader({ alg, kid: key.kid }).sign(key.privateKey);
  };

  beforeAll(async () => {
    await idp.start();
    issuer = `${idp.url}/`;
    first = await signingKey('key-1');
    idp.keys = [first.publicJwk];
  });

  afterAll(async () => {
    process.env = saved;
    await idp.stop();
  });

  it('accepts a token signed by a published key and reads groups from the configured claim', async () => {
    const actor = await verifier().verify(
      await token(first, { act: { sub: 'agent:helper', act: { sub: 'svc:orchestrator' } } }),
    );
    expect(actor).toEqual({
      subject: 'alice',
      issuer,
      kind: 'agent',
      actingParties: [{ subject: 'agent:helper' }, { subject: 'svc:orchestrator' }],
      groups: ['analysts'],
    });
  });

  it('caches the key set: many verifications, one fetch', async () => {
    const v = verifier({ OIDC_JWKS_COOLDOWN_MS: '30000' });
    const before = idp.fetches;
    for (let i = 0; i < 5; i++) await v.verify(await token(first));
    expect(idp.fetches - before).toBe(1);
  });

  it('refetches on an unknown kid, so a rotated key is accepted without a restart', async () => {
    const v = verifier();
    await v.verify(await token(first));
    const fetched = idp.fetches;
    const second = await signingKey('key-2', 'ES256');
    idp.keys = [first.publicJwk, second.publicJwk];
    const actor = await v.verify(await token(second, {}, 'ES256'));
    expect(actor.subject).toBe('alice');
    expect(idp.fetches).toBe(fetched + 1);
    idp.keys = [first.publicJwk];
  });

  it('still rejects an unknown kid after refetching', async () => {
    const stranger = await signingKey('not-published');
    await expect(verifier().verify(await token(stranger))).rejects.toMatchObject({
      code: 'AUTH.UNAUTHENTICATED',
      message: expect.stringMatching(/kid/),
    });
  });

  it('during the cooldown does not refetch for every unknown kid (no fetch amplification)', async () => {
    const v = verifier({ OIDC_JWKS_COOLDOWN_MS: '60000' });
    await v.verify(await token(first));
    const fetched = idp.fetches;
    for (let i = 0; i < 5; i++) {
      await expect(v.verify(await token(await signingKey(`junk-${i}`)))).rejects.toMatchObject({
        code: 'AUTH.UNAUTHENTICATED',
      });
    }
    expect(idp.fetches).toBe(fetched);
  });

  it('rejects wrong audience, wrong issuer and a disallowed algorithm', async () => {
    const v = verifier({ OIDC_ALGORITHMS: 'ES256' });
    await expect(v.verify(await token(first))).rejects.toMatchObject({ message: /algorithm not allowed/ });
    const w = verifier();
    await expect(w.verify(await token(first, { aud: 'other' }))).rejects.toMatchObject({ message: /aud/ });
    await expect(w.verify(await token(first, { iss: 'https://evil.example/' }))).rejects.toMatchObject({
      message: /iss/,
    });
  });

  it('answers AUTH.UNAVAILABLE (not 401) when the issuer keys cannot be fetched', async () => {
    idp.status = 500;
    try {
      await expect(verifier().verify(await token(first))).rejects.toMatchObject({ code: 'AUTH.UNAVAILABLE' });
    } finally {
      idp.status = 200;
    }
    const down = verifier({ OIDC_JWKS_URI: 'http://127.0.0.1:1/jwks.json' });
    await expect(down.verify(await token(first))).rejects.toMatchObject({ code: 'AUTH.UNAVAILABLE' });
  });
});
