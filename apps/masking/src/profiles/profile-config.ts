import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DomainError } from '@verity/contracts';
import { MaskingConfig } from '../config/masking.config';
import { BUILT_IN_PROFILES, ProfileRegistry, ProfileSpec } from './masking-profile';

/** The token key: configured, or read from (generated once into) `<VERITY_HOME>/masking-keys/token.key`, mode 0600. */
export function loadTokenKey(config: MaskingConfig): Buffer {
  if (config.MASKING_TOKEN_KEY) {
    const raw = config.MASKING_TOKEN_KEY.trim();
    const key = /^[0-9a-f]+$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length < 32) throw new DomainError('MASKING.KEY_INVALID', 'MASKING_TOKEN_KEY must hold at least 32 bytes');
    return key;
  }
  const dir = path.join(
    config.VERITY_HOME || process.env.VERITY_HOME || path.join(process.cwd(), '.verity'),
    'masking-keys',
  );
  const file = path.join(dir, 'token.key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'); // another process wrote it first
  }
}

/** Built-in profiles, overridden or extended by the file MASKING_PROFILES names. */
export function profileSpecs(config: MaskingConfig): ProfileSpec[] {
  const specs = new Map(BUILT_IN_PROFILES.map((p) => [p.name, p]));
  if (config.MASKING_PROFILES) {
    const extra = JSON.parse(readFileSync(config.MASKING_PROFILES, 'utf8')) as ProfileSpec[];
    if (!Array.isArray(extra))
      throw new DomainError('MASKING.PROFILE_INVALID', 'MASKING_PROFILES must hold a JSON array');
    for (const p of extra) specs.set(p.name, p);
  }
  return [...specs.values()];
}

export function profileRegistry(config: MaskingConfig): ProfileRegistry {
  return new ProfileRegistry(profileSpecs(config), loadTokenKey(config));
}
