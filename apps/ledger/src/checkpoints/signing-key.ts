import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatVerifierKey, keyId, NoteSigner, privateKeyFromPem, rawPublicKey } from '@verity/merkle';

export interface SigningKey extends NoteSigner {
  /** `<name>+<key id hex>+<base64(0x01 || public key)>`: what an auditor pins. */
  verifierKey: string;
  keyId: string;
  publicKeyPem: string;
  /** True when the key was generated for development on this machine. */
  dev: boolean;
}

/**
 * Loads the checkpoint signing key from `file`, or (no file configured) the dev key under
 * `<home>/ledger-keys/`, generating it the first time (mode 0600; a concurrent first start
 * loses the race and reads the winner's key).
 */
export function loadSigningKey(opts: { file: string; name: string; home: string }): SigningKey {
  let pem: string;
  const dev = !opts.file;
  if (opts.file) {
    pem = readFileSync(opts.file, 'utf8');
  } else {
    const dir = path.join(opts.home, 'ledger-keys');
    const file = path.join(dir, `${opts.name.replace(/[^A-Za-z0-9._-]/g, '_')}.ed25519.pem`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      pem = readFileSync(file, 'utf8');
    } catch {
      const fresh = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      try {
        writeFileSync(file, fresh, { mode: 0o600, flag: 'wx' });
      } catch {
        // another process created it first
      }
      pem = readFileSync(file, 'utf8');
    }
  }
  const privateKey = privateKeyFromPem(pem);
  const raw = rawPublicKey(privateKey);
  return {
    name: opts.name,
    privateKey,
    verifierKey: formatVerifierKey(opts.name, raw),
    keyId: keyId(opts.name, raw).toString('hex'),
    publicKeyPem: createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }) as string,
    dev,
  };
}
