import { createHash } from 'node:crypto';
import { leafHash } from './merkle-hash';

describe('leafHash (RFC 6962 §2.1)', () => {
  it('hashes the empty entry to SHA-256 of the single byte 0x00', () => {
    // MTH({d(0)}) = SHA-256(0x00 || d(0)) with d(0) empty: the well-known CT empty-leaf hash.
    expect(leafHash('')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(leafHash(new Uint8Array(0))).toBe(
      createHash('sha256')
        .update(Buffer.from([0x00]))
        .digest('hex'),
    );
  });

  it('prefixes the entry bytes with 0x00 before hashing', () => {
    const entry = Buffer.from('{"a":1}', 'utf8');
    const byHand = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0x00]), entry]))
      .digest('hex');
    expect(leafHash(entry)).toBe(byHand);
    expect(leafHash('{"a":1}')).toBe(byHand);
  });

  it('is not the plain SHA-256 of the entry (domain separation)', () => {
    const plain = createHash('sha256').update('{"a":1}').digest('hex');
    expect(leafHash('{"a":1}')).not.toBe(plain);
  });

  it('hashes strings as UTF-8', () => {
    const byHand = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0x00]), Buffer.from([0xc3, 0xa9])]))
      .digest('hex');
    expect(leafHash('é')).toBe(byHand);
  });
});
