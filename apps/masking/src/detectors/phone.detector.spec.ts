import { PhoneDetector } from './phone.detector';

const found = (text: string, field = '') =>
  new PhoneDetector().find(text, { field }).map((s) => text.slice(s.start, s.end));

describe('PhoneDetector', () => {
  it.each([
    ['My US number is (415) 555-0132, and +44 (20) 7123 4567', ['(415) 555-0132', '+44 (20) 7123 4567']],
    ['+1-202-555-0101', ['+1-202-555-0101']],
    ['Brazil: +55 11 98456 5666', ['+55 11 98456 5666']],
    ['My Japanese number is 090-1234-5678', ['090-1234-5678']],
  ])('finds phone numbers in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('reads national numbers of other countries in a phone field', () => {
    expect(found('09-7625400', 'phone')).toEqual(['09-7625400']);
  });

  it.each([
    'order 1234567890',
    'at 2024-01-01 09:00:00',
    'ip 192.168.100.200',
    'born 9/20/1968',
    'sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
    'id 123e4567-e89b-12d3-a456-426614174000',
  ])('finds nothing in %j', (text) => {
    expect(found(text)).toEqual([]);
  });
});
