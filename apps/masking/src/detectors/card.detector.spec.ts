import { CardDetector } from './card.detector';
import { passesLuhn } from './luhn';

const found = (text: string) => new CardDetector().find(text).map((s) => text.slice(s.start, s.end));

describe('CardDetector', () => {
  it.each([
    ['4012888888881881', ['4012888888881881']],
    ['card 4012-8888-8888-1881 and 4012 8888 8888 1881', ['4012-8888-8888-1881', '4012 8888 8888 1881']],
    ['amex 371449635398431, uatp 122000000000003', ['371449635398431', '122000000000003']],
    ['mc 5555555555554444; diners 30569309025904', ['5555555555554444', '30569309025904']],
  ])('finds Luhn-valid card numbers in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it.each([
    'order 4012-8888-8888-1882', // fails Luhn
    'ts 1748503543012', // a millisecond timestamp: no issuer range
    '0000000000000000',
    '4012 8888-8888 1881', // mixed separators
    '94012888888881881', // inside a longer number
    '1.4012888888881881',
  ])('finds nothing in %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('checks Luhn', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });
});
