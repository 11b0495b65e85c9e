import { createHash } from 'node:crypto';

/**
 * RFC 6962 §2.1 domain separation: a leaf is hashed with a 0x00 prefix, an interior node with
 * 0x01, so a leaf can never be passed off as a node (second-preimage resistance).
 */
export const LEAF_PREFIX = 0x00;

/** RFC 6962 leaf hash: SHA-256(0x00 || entry bytes), lowercase hex. Strings are hashed as UTF-8. */
export function leafHash(entryBytes: Uint8Array | string): string {
  const bytes = typeof entryBytes === 'string' ? Buffer.from(entryBytes, 'utf8') : entryBytes;
  return createHash('sha256').update(Uint8Array.of(LEAF_PREFIX)).update(bytes).digest('hex');
}
