import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { trailingStrings } from './json-tail';

const KEYS = ['id', 'type', 'sessionid'];

/** What JSON.parse gives for the keys, as trailingStrings reports it. */
function parsed(text: string): unknown[] {
  const value = JSON.parse(text) as Record<string, unknown>;
  return KEYS.map((k) => value[k]);
}

describe('trailingStrings: an event identity read from the end of its JSON', () => {
  it('reads id, type and sessionid after a nested data member, as JSON.parse does', () => {
    const text = canonicalize({
      actor: { groups: ['a'], id: 'nested-id' },
      data: { id: 'deeper', type: 'x', sessionid: 'y', list: [{ id: 'z' }] },
      id: 'e-1',
      sessionid: 's-1',
      time: '2026-11-26T00:00:00.000Z',
      type: 'verity.action.requested.v1',
    }) as string;
    expect(trailingStrings(text, KEYS)).toEqual(parsed(text));
  });

  it('declines whatever it cannot read without escapes, so the caller parses the whole text', () => {
    const declined = [
      '{"id":"a\\"b","sessionid":"s","type":"t"}', // an escaped quote in a value
      '{"x\\"id":"a","sessionid":"s","type":"t"}', // a key that only ends like "id"
      '{"i\\u0064":"x","id":"a","sessionid":"s","type":"t"}'.replace('"id":"a",', ''), // an escaped key
      '{"id":"a","sessionid":"s","type":"t\\\\"}', // a value ending in a backslash
      '{"id":"a","sessionid":"s","type":"t"} ', // trailing whitespace
      '{"id":"a","n":1,"sessionid":"s","type":"t"}', // a number before the last two
      '{"id":"a","sessionid":"s"}', // a key missing
      '["id","a"]',
    ];
    for (const text of declined) expect([text, trailingStrings(text, KEYS)]).toEqual([text, undefined]);
  });

  it('takes the last of duplicate keys, as JSON.parse does', () => {
    const text = '{"id":"first","sessionid":"s","type":"t","id":"last"}';
    expect(trailingStrings(text, KEYS)).toEqual(parsed(text));
  });

  it('agrees with JSON.parse on every object it reads, whatever the keys, nesting and strings', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\\"', '",', '":"'));
    const member = fc.tuple(fc.oneof(fc.constantFrom(...KEYS), text), fc.oneof(text, fc.jsonValue()));
    // The identity last, as an event has it (string values), or anywhere with any values.
    const identity = fc.tuple(...KEYS.map((k) => fc.tuple(fc.constant(k), fc.oneof(fc.string(), text))));
    let read = 0;
    fc.assert(
      fc.property(
        fc.array(member, { maxLength: 12 }),
        fc.option(identity),
        fc.boolean(),
        (members, last, canonical) => {
          const object = Object.fromEntries([...members, ...(last ?? [])]);
          const json = canonical ? (canonicalize(object) as string) : JSON.stringify(object);
          const result = trailingStrings(json, KEYS);
          if (result) {
            read += 1;
            expect(result).toEqual(parsed(json));
          }
        },
      ),
      { numRuns: 3_000 },
    );
    expect(read).toBeGreaterThan(300); // the shortcut was taken often enough to mean something
  });
});
