import fc from 'fast-check';
import { allDetectors, resolveOverlaps, Scanner } from './scanner';

const scanner = new Scanner(allDetectors());

describe('Scanner', () => {
  it('keeps the longest of overlapping findings, then the most specific', () => {
    expect(
      resolveOverlaps([
        { start: 0, end: 10, entity: 'phone' },
        { start: 0, end: 10, entity: 'us_ssn' },
        { start: 5, end: 30, entity: 'generic_secret' },
        { start: 40, end: 45, entity: 'email' },
      ]),
    ).toEqual([
      { start: 5, end: 30, entity: 'generic_secret' },
      { start: 40, end: 45, entity: 'email' },
    ]);
    expect(
      resolveOverlaps([
        { start: 0, end: 10, entity: 'phone' },
        { start: 0, end: 10, entity: 'us_ssn' },
      ]),
    ).toEqual([{ start: 0, end: 10, entity: 'us_ssn' }]);
  });

  it('finds several kinds in one text, in order, without overlap', () => {
    const text = 'mail a@b.io, card 4111 1111 1111 1111, ssn 078-05-1123, ip 10.0.0.1';
    expect(scanner.scan(text).map((f) => f.entity)).toEqual(['email', 'credit_card', 'us_ssn', 'ip_address']);
  });

  it('leaves UUIDs, git SHAs, timestamps and Luhn-failing order numbers alone', () => {
    const text =
      'id 123e4567-e89b-12d3-a456-426614174000 sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b at 2024-01-01T10:00:00Z order 4012888888881882';
    expect(scanner.scan(text)).toEqual([]);
  });

  it('never throws and stays in bounds on any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const f of scanner.scan(text)) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(text.length);
        }
      }),
    );
  });

  it('stays linear on hostile input', () => {
    const hostile = [
      '1 '.repeat(50_000),
      'a:'.repeat(50_000),
      'password='.repeat(20_000),
      'A'.repeat(100_000),
      '%41'.repeat(30_000),
    ];
    for (const text of hostile) {
      const started = process.hrtime.bigint();
      scanner.scan(text);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
    }
  });
});
