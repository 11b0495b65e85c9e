/**
 * The ledger's signed checkpoints, checked with WebCrypto: a C2SP signed note
 * (https://c2sp.org/signed-note) with an Ed25519 signature, whose body is a tlog-checkpoint
 * (`<origin>\n<size>\n<base64 root>\n`). Same formats as libs/merkle's note.ts.
 */
import { equalBytes, fromBase64, sha256, utf8 } from './merkle';

const ED25519 = 0x01;
const SIG_PREFIX = '\u2014 ';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export interface VerifierKey {
  name: string;
  keyId: Uint8Array;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new Error('checkpoint body must end with a newline');
  const [origin, size, root] = body.slice(0, -1).split('\n');
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(size ?? '')) throw new Error('malformed checkpoint origin or size');
  const rootBytes = fromBase64(root ?? '');
  if (rootBytes.length !== 32) throw new Error('malformed checkpoint root');
  const n = Number(size);
  if (!Number.isSafeInteger(n)) throw new Error('checkpoint size out of range');
  return { origin, size: n, root: rootBytes };
}

/** Key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
export async function keyId(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(utf8(name), Uint8Array.of(0x0a, ED25519), publicKey)).slice(0, 4);
}

/** Parses `<name>+<hex key id>+<base64(0x01 || key)>` and checks that the id belongs to the key. */
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!match) throw new Error('malformed verifier key');
  const [, name, id, encoded] = match;
  const bytes = fromBase64(encoded);
  if (bytes.length !== 33 || bytes[0] !== ED25519) throw new Error('verifier key is not Ed25519');
  const publicKey = bytes.slice(1);
  const computed = await keyId(name, publicKey);
  if (Array.from(computed, (b) => b.toString(16).padStart(2, '0')).join('') !== id)
    throw new Error('verifier key id does not match its key');
  return { name, keyId: computed, publicKey };
}

/**
 * Returns the note's body when one of its signature lines is by `key` and verifies; throws
 * naming what is wrong otherwise. Lines by other keys are ignored.
 */
export async function openNote(note: string, key: VerifierKey): Promise<string> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('note has no signature block');
  const body = note.slice(0, split + 1);
  const lines = note.slice(split + 2).split('\n');
  if (lines.pop() !== '') throw new Error('note must end with a newline');
  const publicKey = await globalThis.crypto.subtle.importKey('raw', new Uint8Array(key.publicKey), 'Ed25519', false, [
    'verify',
  ]);
  let seen = false;
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new Error('malformed signature line');
    const [name, blob] = line.slice(SIG_PREFIX.length).split(' ');
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(blob ?? '');
    } catch {
      continue;
    }
    if (name !== key.name || bytes.length < 4 || !equalBytes(bytes.slice(0, 4), key.keyId)) continue;
    seen = true;
    if (
      bytes.length === 68 &&
      (await globalThis.crypto.subtle.verify(
        'Ed25519',
        publicKey,
        bytes.slice(4),
        utf8(body) as Uint8Array<ArrayBuffer>,
      ))
    )
      return body;
  }
  throw new Error(seen ? 'signature does not verify' : `no signature by ${key.name}`);
}
