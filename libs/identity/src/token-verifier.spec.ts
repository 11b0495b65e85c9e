import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { base64url, SignJWT, generateKeyPair, UnsecuredJWT } from 'jose';
import { DevIssuer } from './dev-issuer';
import { DEV_AUDIENCE, DEV_ISSUER } from './identity.config';
import { TokenVerifier } from './token-verifier';

describe('TokenVerifier (dev issuer)', () => {
  let issuer: DevIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    process.env.VERITY_HOME = mkdtempSync(path.join(tmpdir(), 'verity-identity-'));
    delete process.env.OIDC_ISSUER;
    issuer = await DevIssuer.load();
    verifier = new TokenVerifier();
  });

  const rejects = (token: string, why: RegExp) =>
    expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'AUTH.UNAUTHENTICATED',
      message: expect.stringMatching(why),
    });

  it('turns a valid token into the actor with its groups', async () => {
    const actor = await verifier.verify(await issuer.mint({ sub: 'alice', groups: ['analysts', 'approvers'] }));
    expect(actor).toEqual({
      subject: 'alice',
      issuer: DEV_ISSUER,
      kind: 'human',
      actingParties: [],
      groups: ['analysts', 'approvers'],
    });
  });

  it('records the whole RFC 8693 delegation chain, direct caller first', async () => {
    const token = await issuer.mint({
      sub: 'alice',
      act: { sub: 'agent:sql-helper', act: { sub: 'svc:orchestrator' } },
    });
    const actor = await verifier.verify(token);
    expect(actor.kind).toBe('agent');
    expect(actor.actingParties.map((p) => p.subject)).toEqual(['agent:sql-helper', 'svc:orchestrator']);
  });

  it('reads the same key that another process generated', async () => {
    const again = await DevIssuer.load();
    expect(again.publicJwk).toEqual(issuer.publicJwk);
  });

  describe('attack catalogue: every case is 401', () => {
    it('alg none', async () => {
      const token = new UnsecuredJWT({ sub: 'alice', groups: ['compliance'] })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setExpirationTime('1h')
        .encode();
      await rejects(token, /./);
    });
    it('signed with another key under the same kid', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const token = await new SignJWT({ groups: ['compliance'] })
        .setProtectedHeader({ alg: 'ES256', kid: issuer.publicJwk.kid })
        .setSubject('mallory')
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setExpirationTime('1h')
        .sign(privateKey);
      await rejects(token, /bad signature/);
    });
    it('HMAC signed with the public key as secret (algorithm confusion)', async () => {
      const secret = new TextEncoder().encode(JSON.stringify(issuer.publicJwk));
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid: issuer.publicJwk.kid })
        .setSubject('mallory')
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setExpirationTime('1h')
        .sign(secret);
      await rejects(token, /./);
    });
    it('expired', async () => {
      await rejects(
        await issuer.mint({
          sub: 'alice',
          claims: { exp: Math.floor(Date.now() / 1000) - 120 },
        }),
        /expired/,
      );
    });
    it('not yet valid', async () => {
      await rejects(
        await issuer.mint({
          sub: 'alice',
          claims: { nbf: Math.floor(Date.now() / 1000) + 600 },
        }),
        /nbf/,
      );
    });
    it('wrong audience', async () => {
      await rejects(await issuer.mint({ sub: 'alice', claims: { aud: 'someone-else' } }), /aud/);
    });
    it('wrong issuer', async () => {
      await rejects(
        await issuer.mint({
          sub: 'alice',
          claims: { iss: 'https://evil.example' },
        }),
        /iss/,
      );
    });
    it('unknown kid', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'unknown' })
        .setSubject('alice')
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setExpirationTime('1h')
        .sign(privateKey);
      await rejects(token, /kid/);
    });
    it('tampered payload', async () => {
      const [header, , signature] = (await issuer.mint({ sub: 'alice', groups: ['analysts'] })).split('.');
      const forged = base64url.encode(
        JSON.stringify({
          sub: 'alice',
          groups: ['compliance'],
          iss: DEV_ISSUER,
          aud: DEV_AUDIENCE,
          exp: 9999999999,
        }),
      );
      await rejects(`${header}.${forged}.${signature}`, /bad signature/);
    });
    it('garbage', async () => {
      await rejects('not.a.token', /malformed|verification failed/);
    });
  });
});
