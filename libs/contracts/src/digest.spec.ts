import { createHash } from 'node:crypto';
import { canonicalJson, digestOf } from './digest';

describe('canonical JSON digests', () => {
  it('orders keys and drops insignificant whitespace (RFC 8785)', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
  });
  it('gives equal digests for equal values whatever the key order', () => {
    expect(digestOf({ sql: 'SELECT 1', params: [] })).toBe(digestOf({ params: [], sql: 'SELECT 1' }));
    expect(digestOf({ sql: 'SELECT 1' })).toBe(createHash('sha256').update('{"sql":"SELECT 1"}').digest('hex'));
  });
  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});
