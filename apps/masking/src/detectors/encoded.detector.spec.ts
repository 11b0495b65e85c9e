import { allDetectors, Scanner } from './scanner';

const scanner = new Scanner(allDetectors());
const found = (text: string) => scanner.scan(text).map((f) => [f.entity, text.slice(f.start, f.end)]);

describe('EncodedDetector (through the scanner)', () => {
  const secret = `${'postgres://app:'}Xk29fLq7Zp@db.internal/app`;

  it('finds a secret inside a base64 value', () => {
    const encoded = Buffer.from(secret).toString('base64');
    expect(found(`blob=${encoded}`)).toEqual([['password', encoded]]);
  });

  it('finds a secret inside a URL-encoded value', () => {
    const encoded = encodeURIComponent(secret);
    expect(found(`next=${encoded}`)).toEqual([['password', encoded]]);
  });

  it('leaves base64 of harmless text and hex digests alone', () => {
    const harmless = Buffer.from('just a harmless sentence here').toString('base64');
    expect(found(`${harmless} 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b`)).toEqual([]);
  });
});
