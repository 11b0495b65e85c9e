import { DateOfBirthDetector } from './date-of-birth.detector';

const found = (text: string, field = '') =>
  new DateOfBirthDetector().find(text, { field }).map((s) => text.slice(s.start, s.end));

describe('DateOfBirthDetector', () => {
  it.each([
    ['She was born on 9/20/1968. Her maiden name', ['9/20/1968']],
    ["Tell me your date of birth. It's 8/12/1991", ['8/12/1991']],
    ['DOB: 1990-03-04', ['1990-03-04']],
    ['born March 3, 1990', ['March 3, 1990']],
  ])('finds a date of birth in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('takes the date in a birth-date field', () => {
    expect(found('1984-02-29', 'date_of_birth')).toEqual(['1984-02-29']);
    expect(found('1984-02-29', 'dob')).toEqual(['1984-02-29']);
  });

  it.each(['shipped on 9/20/2024', 'created 2024-01-01', '1984-02-29'])('finds nothing in %j', (text) => {
    expect(found(text, 'created_at')).toEqual([]);
  });
});
