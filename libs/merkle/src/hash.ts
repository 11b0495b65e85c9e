import { createHash } from 'node:crypto';

/** RFC 6962 §2.1 domain separation: leaves are hashed with 0x00, interior nodes with 0x01. */
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** RFC 6962 leaf hash SHA-256(0x00 || data). Strings are hashed as UTF-8. */
export function leafHash(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return createHash('sha256').update(LEAF_PREFIX).update(bytes).digest();
}

/** RFC 6962 interior node hash SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}
