import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures, and the
 * tlog-checkpoint body they carry (https://c2sp.org/tlog-checkpoint).
 */

const ED25519 = 0x01;
/** Signature lines start with an em dash and a space. */
const SIG_PREFIX = '\u2014 ';
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export interface Checkpoint {
  origin: string;
  size: number;
  /** 32-byte root hash. */
  root: Buffer;
  /** Extension lines, if any (kept, not interpreted). */
  extensions?: string[];
}

/** The checkpoint body: origin, decimal size, base64 root, each on its own line. */
export function formatCheckpoint(c: Checkpoint): string {
  return [c.origin, String(c.size), c.root.toString('base64'), ...(c.extensions ?? [])].join('\n') + '\n';
}

export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new Error('checkpoint body must end with a newline');
  const [origin, size, root, ...extensions] = body.slice(0, -1).split('\n');
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(size ?? '')) throw new Error('malformed checkpoint origin or size');
  const rootBytes = Buffer.from(root ?? '', 'base64');
  if (rootBytes.length !== 32 || rootBytes.toString('base64') !== root) throw new Error('malformed checkpoint root');
  const n = Number(size);
  if (!Number.isSafeInteger(n)) throw new Error('checkpoint size out of range');
  return { origin, size: n, root: rootBytes, extensions: extensions.length ? extensions : undefined };
}

/** Raw 32-byte Ed25519 public key of a key object. */
export function rawPublicKey(key: KeyObject): Buffer {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_ED25519.length);
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/** Key ID: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
export function keyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, ED25519))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** A note verifier key in the usual text form: `<name>+<hex key id>+<base64(0x01 || key)>`. */
export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const encoded = Buffer.concat([Uint8Array.of(ED25519), publicKey]).toString('base64');
  return `${name}+${keyId(name, publicKey).toString('hex')}+${encoded}`;
}

export function parseVerifierKey(text: string): NoteVerifier {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!match) throw new Error('malformed verifier key');
  const [, name, id, encoded] = match;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ED25519) throw new Error('verifier key is not Ed25519');
  const raw = bytes.subarray(1);
  if (keyId(name, raw).toString('hex') !== id) throw new Error('verifier key id does not match its key');
  return { name, keyId: Buffer.from(id, 'hex'), publicKey: publicKeyFromRaw(raw) };
}

export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
}

/** Signs a note body and returns the whole note (body, blank line, signature line). */
export function signNote(body: string, signer: NoteSigner): string {
  if (!body.endsWith('\n')) throw new Error('note body must end with a newline');
  if (/[+\s]/.test(signer.name)) throw new Error('key name must not contain spaces or +');
  const raw = rawPublicKey(signer.privateKey);
  const signature = sign(null, Buffer.from(body, 'utf8'), signer.privateKey);
  const blob = Buffer.concat([keyId(signer.name, raw), signature]).toString('base64');
  return `${body}\n${SIG_PREFIX}${signer.name} ${blob}\n`;
}

/**
 * Opens a signed note: returns its body when at least one signature line is by `verifier` and
 * verifies; throws naming what is wrong otherwise. Lines by other keys are ignored.
 */
export function openNote(note: string, verifier: NoteVerifier): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('note has no signature block');
  const body = note.slice(0, split + 1);
  const lines = note.slice(split + 2).split('\n');
  if (lines.pop() !== '') throw new Error('note must end with a newline');
  let seen = false;
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new Error('malformed signature line');
    const [name, blob] = line.slice(SIG_PREFIX.length).split(' ');
    const bytes = Buffer.from(blob ?? '', 'base64');
    if (name !== verifier.name || bytes.length < 4 || !bytes.subarray(0, 4).equals(verifier.keyId)) continue;
    seen = true;
    if (bytes.length === 68 && verify(null, Buffer.from(body, 'utf8'), verifier.publicKey, bytes.subarray(4))) {
      return body;
    }
  }
  throw new Error(seen ? 'signature does not verify' : `no signature by ${verifier.name}`);
}

export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('signing key is not Ed25519');
  return key;
}
