import { SsnDetector } from './ssn.detector';

const found = (text: string, field = '') =>
  new SsnDetector().find(text, { field }).map((s) => text.slice(s.start, s.end));

describe('SsnDetector', () => {
  it.each([
    ['078-05-1123', ['078-05-1123']],
    ['078.05.1123 and 078 05 1123', ['078.05.1123', '078 05 1123']],
    ['His SSN: 474497577', ['474497577']],
  ])('finds SSNs in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('takes nine bare digits in an ssn field', () => {
    expect(found('474497577', 'ssn')).toEqual(['474497577']);
  });

  it.each([
    '000-12-3456',
    '666-12-3456',
    '912-12-3456',
    '123-00-4567',
    '123-45-0000',
    '123-45.6789',
    '474497577',
    '2024-01-1234',
  ])('finds nothing in %j (never issued, mixed separators, no cue)', (text) => {
    expect(found(text)).toEqual([]);
  });
});
