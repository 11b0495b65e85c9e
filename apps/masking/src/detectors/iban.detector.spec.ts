import { IbanDetector } from './iban.detector';

const found = (text: string) => new IbanDetector().find(text).map((s) => text.slice(s.start, s.end));

describe('IbanDetector', () => {
  it.each([
    ['DE89370400440532013000', ['DE89370400440532013000']],
    ['pay to GB82 WEST 1234 5698 7654 32 today', ['GB82 WEST 1234 5698 7654 32']],
    ['BE68539007547034 Foo', ['BE68539007547034']],
    ['SC18SSCB11010000000000001497USD', ['SC18SSCB11010000000000001497USD']],
  ])('finds valid IBANs in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it.each([
    'DE89370400440532013001',
    'XX89370400440532013000',
    'GB82 WEST 1234 5698 7654 3',
    'ADE89370400440532013000',
  ])('finds nothing in %j (checksum, country, length, boundary)', (text) => {
    expect(found(text)).toEqual([]);
  });
});
