import { createHash, hash } from 'node:crypto';

/** RFC 6962 §2.1 domain separation: leaves are hashed with 0x00, interior nodes with 0x01. */
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** RFC 6962 leaf hash SHA-256(0x00 || data). Strings are hashed as UTF-8. */
export function leafHash(data: Uint8Array | string): Buffer {
  // U+0000 is the single byte 0x00 in UTF-8, so the prefixed string hashes as 0x00 || data.
  if (typeof data === 'string') return hash('sha256', `\u0000${data}`, 'buffer');
  const input = Buffer.allocUnsafe(data.length + 1);
  input[0] = LEAF_PREFIX[0];
  input.set(data, 1);
  return hash('sha256', input, 'buffer');
}

// crypto.hash copies its input before returning, so one scratch buffer serves every node hash.
const scratch = Buffer.alloc(1 + 2 * HASH_SIZE);

/** RFC 6962 interior node hash SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  scratch[0] = NODE_PREFIX[0];
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return hash('sha256', scratch, 'buffer');
}

/**
 * The hash of a complete subtree from its 2^k leaf hashes, stored back to back (32 bytes each):
 * what appending them one by one yields, reduced level by level in one working buffer.
 */
export function subtreeHash(leaves: Uint8Array): Buffer {
  let count = leaves.length / HASH_SIZE;
  if (count < 1 || !Number.isInteger(Math.log2(count))) {
    throw new RangeError(`a complete subtree has 2^k leaves, not ${count}`);
  }
  const work = Buffer.from(leaves);
  const input = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
  input[0] = NODE_PREFIX[0];
  for (; count > 1; count /= 2) {
    for (let i = 0; i < count / 2; i++) {
      work.copy(input, 1, 2 * HASH_SIZE * i, 2 * HASH_SIZE * (i + 1));
      work.set(hash('sha256', input, 'buffer'), HASH_SIZE * i);
    }
  }
  return work.subarray(0, HASH_SIZE);
}
