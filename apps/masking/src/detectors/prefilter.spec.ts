import fc from 'fast-check';
import { DetectionContext, NO_CONTEXT } from './detector';
import { findWindows, T_AT, T_DIGIT, T_RUN } from './prefilter';
import { allDetectors, Finding, resolveOverlaps, Scanner } from './scanner';

/** Every detector on the whole text: what the windows must not lose. */
function naive(text: string, context: DetectionContext = NO_CONTEXT): Finding[] {
  const found: Finding[] = [];
  for (const d of allDetectors())
    if (d.triggers !== 0)
      for (const s of d.find(text, context)) found.push({ start: s.start, end: s.end, entity: s.entity ?? d.entity });
  return resolveOverlaps(found);
}

const FRAGMENTS = [
  'mail alice.smith@example.com today',
  'call +1 202 555 0134',
  'card 4111 1111 1111 1111',
  'ssn 078-05-1123',
  'ip 10.20.30.40 and fe80::1ff:fe23:4567:890a',
  'iban GB82 WEST 1234 5698 7654 32',
  'born on 3 March 1990',
  'password=Xq8f0c2e19a7b',
  '"api_key": "9f2c7e1a4b6d8e0f"',
  'AKIAZ2QWERTY7UIOPASD',
  'postgres://app:S3cr3tPw@db.internal:5432/app',
  'My name is Dana Scully',
  'lives at 221 Baker Street',
  'order #1234567890',
  'commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
  'id 123e4567-e89b-12d3-a456-426614174000',
  'ref deadbeef4111111111111111cafe0000deadbeef',
  'at 2024-01-01T10:00:00Z',
];
const PROSE = ['the', 'order', 'was', 'shipped', 'and', 'then', 'support', 'replied', 'about', 'it', '.', ',', '\n'];

describe('prefilter', () => {
  it('finds no window in text no detector could match, and allocates none', () => {
    expect(findWindows('the order was shipped to the customer after review')).toHaveLength(0);
    expect(findWindows('')).toHaveLength(0);
  });

  it('marks windows with the kinds of trigger they hold', () => {
    const [start, end, mask] = findWindows('write to a@b.io please');
    expect(start).toBe(0);
    expect(end).toBe(22);
    expect(mask & T_AT).toBeTruthy();
    const [, , long] = findWindows('token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here');
    expect(long & T_RUN).toBeTruthy();
    expect(findWindows('id 12345')[2] & T_DIGIT).toBeTruthy();
  });

  it('loses nothing: windowed scanning finds what every detector finds on the whole text', () => {
    const scanner = new Scanner(allDetectors());
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.constantFrom(...PROSE)), { maxLength: 40 }),
        fc.constantFrom(' ', '  ', '\n', ' words between ', '; '),
        (parts, glue) => {
          const text = parts.join(glue);
          expect([...scanner.scan(text)]).toEqual(naive(text));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
