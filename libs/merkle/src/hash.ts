import { createHash, hash } from 'node:crypto';

/** RFC 6962 §2.1 domain separation: leaves are hashed with 0x00, interior nodes with 0x01. */
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** RFC 6962 leaf hash SHA-256(0x00 || data). Strings are hashed as UTF-8. */
export function leafHash(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const input = Buffer.allocUnsafe(bytes.length + 1);
  input[0] = LEAF_PREFIX[0];
  input.set(bytes, 1);
  return sha256(input);
}

/** RFC 6962 interior node hash SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = NODE_PREFIX[0];
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** One-shot SHA-256 (Node's `crypto.hash`, much cheaper per call than a Hash object for small inputs). */
function sha256(input: Buffer): Buffer {
  return hash('sha256', input, 'buffer');
}
