// The gateway in production identity mode: OIDC tokens verified against a real JWKS served over
// HTTP from 127.0.0.1, and the catalogue of token attacks sent to the running gateway over HTTP.
// Every attack must be a 401 AUTH.UNAUTHENTICATED that records nothing.
import { INestApplication } from '@nestjs/common';
import { useTestEnvironment, waitFor } from '@verity/testing';
import { base64url, exportJWK, generateKeyPair, JWK, KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';

const run = randomBytes(4).toString('hex');
const AUDIENCE = 'verity-gateway';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

describe('gateway identity (OIDC with a remote JWKS; token attacks over HTTP)', () => {
  let app: INestApplication;
  let base: string;
  let jwks: Server;
  let issuer: string;
  let published: JWK[] = [];
  let key: SigningKey;
  const session = `gw-id-${run}`;

  /** Claims given here override the standard ones. */
  const mint = (claims: Record<string, unknown> = {}, signer: SigningKey = key, header: object = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const standard = { sub: `alice-${run}`, iss: issuer, aud: AUDIENCE, iat: now, exp: now + 300, roles: ['analysts'] };
    return new SignJWT({ ...standard, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: signer.kid, ...header })
      .sign(signer.privateKey);
  };

  const submit = (token: string) =>
    fetch(`${base}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      // An unknown connection: an authenticated caller gets 404 without anything being run.
      body: JSON.stringify({
        connection: 'no-such-db',
        operation: 'sql.query',
        input: { sql: 'SELECT 1' },
        sessionId: session,
      }),
    });

  beforeAll(async () => {
    jwks = createServer((req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const idp = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    issuer = `${idp}/realms/test`;
    key = await signingKey('k1');
    published = [key.publicJwk];

    const home = mkdtempSync(path.join(tmpdir(), 'verity-gateway-identity-'));
    const connections = path.join(home, 'connections.yaml');
    writeFileSync(
      connections,
      'connections:\n  only-db:\n    type: postgres\n    host: 127.0.0.1\n    port: 1\n    database: x\n    user: x\n    password: { env: GATEWAY_ID_TEST_PASSWORD }\n',
    );
    useTestEnvironment({
      VERITY_HOME: home,
      VERITY_CONNECTIONS: connections,
      GATEWAY_PORT: '0',
      GATEWAY_PG_PORT: '0',
      GATEWAY_ID_TEST_PASSWORD: 'unused',
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URI: `${idp}/jwks`,
      OIDC_GROUPS_CLAIM: 'roles',
      OIDC_JWKS_COOLDOWN_MS: '0',
    });
    const { startGateway } = await import('../src/main');
    app = await startGateway();
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, { what: 'gateway ready', timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('accepts a token from the configured issuer (groups from OIDC_GROUPS_CLAIM)', async () => {
    const res = await submit(await mint());
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CONNECTION.NOT_FOUND');
    // Without the group in the configured claim it is authenticated but forbidden.
    const outsider = await submit(await mint({ roles: [], groups: ['analysts'] }));
    expect(outsider.status).toBe(403);
  });

  it('accepts a key the issuer rotated in, on its first unknown kid, without a restart', async () => {
    const next = await signingKey(`k2-${run}`);
    published = [key.publicJwk, next.publicJwk];
    expect((await submit(await mint({}, next))).status).toBe(404);
  });

  describe('attack catalogue: each is 401 AUTH.UNAUTHENTICATED and records nothing', () => {
    const attacks: Array<[string, () => Promise<string>]> = [
      [
        'alg none',
        async () =>
          new UnsecuredJWT({ sub: 'mallory', roles: ['analysts'] })
            .setIssuer(issuer)
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .encode(),
      ],
      ['signed by another key under a published kid', async () => mint({}, await signingKey('k1'))],
      [
        'HMAC with the public key as secret (algorithm confusion)',
        () =>
          new SignJWT({ sub: 'mallory', iss: issuer, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })
            .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
            .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk))),
      ],
      ['expired', () => mint({ exp: Math.floor(Date.now() / 1000) - 300 })],
      ['not yet valid', () => mint({ nbf: Math.floor(Date.now() / 1000) + 600 })],
      ['wrong audience', () => mint({ aud: 'another-api' })],
      ['wrong issuer', () => mint({ iss: 'https://evil.example/realms/test' })],
      ['unknown kid', async () => mint({}, await signingKey('never-published'))],
      [
        'tampered payload',
        async () => {
          const [header, , signature] = (await mint()).split('.');
          const forged = base64url.encode(
            JSON.stringify({ sub: 'root', iss: issuer, aud: AUDIENCE, exp: 9999999999, roles: ['admins'] }),
          );
          return `${header}.${forged}.${signature}`;
        },
      ],
      ['no subject', () => mint({ sub: undefined })],
      ['no expiry', () => mint({ exp: undefined })],
      ['garbage', async () => 'not.a.token'],
    ];

    it.each(attacks)('%s', async (_name, forge) => {
      const res = await submit(await forge());
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status).toBe(401);
      expect(body.error.code).toBe('AUTH.UNAUTHENTICATED');
      expect(body.error.message).not.toMatch(/BEGIN|"n":|"x":/);
    });

    it('and none of them left a trace', async () => {
      const rows = await app.get(DataSource).query('SELECT id FROM gateway.actions WHERE session_id = $1', [session]);
      expect(rows).toEqual([]);
    });
  });

  it('answers 401 with no token, a malformed header or another scheme', async () => {
    for (const authorization of [undefined, 'Bearer', 'Bearer a b', 'Basic YWxpY2U6c2VjcmV0']) {
      const res = await fetch(`${base}/v1/actions/00000000-0000-0000-0000-000000000000`, {
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
    }
  });
});
