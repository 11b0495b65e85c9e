import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MaskingConfig } from '../config/masking.config';
import { ValueWalker } from '../results/value-walker';
import { BUILT_IN_PROFILES, buildProfile, ProfileRegistry } from './masking-profile';
import { loadTokenKey, profileRegistry } from './profile-config';

const config = (over: Partial<MaskingConfig>) => Object.assign(new MaskingConfig(), over);
const registry = ProfileRegistry.builtIn(Buffer.alloc(32, 1));

function maskRow(profile: string, row: Record<string, unknown>) {
  const walker = new ValueWalker(registry.find(profile));
  const out = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, walker.mask(v, k)]));
  return { out, report: walker.report() };
}

const row = {
  full_name: 'Alice Anders',
  email: 'alice@example.com',
  phone: '+1-202-555-0101',
  card_number: '4000 0012 3456 7899',
  ssn: '536-22-8117',
  prefs: { api: { token: 'Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB' }, lang: 'en' },
};

describe('profiles', () => {
  it('default: typed placeholders, card keeps its last four', () => {
    expect(maskRow('default', row).out).toEqual({
      full_name: '[PERSON]',
      email: '[EMAIL]',
      phone: '[PHONE]',
      card_number: '**** **** **** 7899',
      ssn: '[US_SSN]',
      prefs: { api: { token: '[GENERIC_SECRET]' }, lang: 'en' },
    });
  });

  it('analytics: joinable tokens, the same value giving the same token', () => {
    const a = maskRow('analytics', row).out;
    const b = maskRow('analytics', { ...row, email: 'ALICE@example.com' }).out;
    expect(a.email).toMatch(/^\[EMAIL:[0-9a-f]{16}\]$/);
    expect(b.email).toBe(a.email);
    expect(a.prefs).toEqual({ api: { token: '[GENERIC_SECRET]' }, lang: 'en' });
  });

  it('strict: drops secret keys and identifier cells, and reports them', () => {
    const { out, report } = maskRow('strict', row);
    expect(out.card_number).toBeNull();
    expect(out.ssn).toBeNull();
    expect(out.prefs).toEqual({ api: {}, lang: 'en' });
    expect(report.fields).toContainEqual({ field: 'prefs.api.token', entities: { generic_secret: 1 } });
  });

  it('refuses a strategy it does not know and a fallback that keeps', () => {
    expect(() => buildProfile({ name: 'x', strategies: { email: 'shout' as never } }, [])).toThrow(/unknown/);
    expect(() => buildProfile({ name: 'x', strategies: {}, fallback: 'keep' as never }, [])).toThrow(/may not keep/);
    expect(() => buildProfile({ name: 'x', strategies: { email: 'token' } }, [])).toThrow(/no key/);
  });

  it('reads extra profiles from MASKING_PROFILES and generates the token key once, mode 0600', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'verity-masking-'));
    const file = path.join(home, 'profiles.json');
    writeFileSync(file, JSON.stringify([{ name: 'support', strategies: { email: 'partial' } }]));
    const loaded = profileRegistry(config({ VERITY_HOME: home, MASKING_PROFILES: file }));
    expect(loaded.names().sort()).toEqual([...BUILT_IN_PROFILES.map((p) => p.name), 'support'].sort());
    const keyFile = path.join(home, 'masking-keys', 'token.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(loadTokenKey(config({ VERITY_HOME: home }))).toEqual(
      Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex'),
    );
    expect(loadTokenKey(config({ MASKING_TOKEN_KEY: 'ab'.repeat(32) }))).toEqual(Buffer.alloc(32, 0xab));
    expect(() => loadTokenKey(config({ MASKING_TOKEN_KEY: 'abcd' }))).toThrow(/32 bytes/);
  });
});
