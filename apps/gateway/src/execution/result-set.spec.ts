import { jsonSafe, toResultSet } from './result-set';

describe('jsonSafe', () => {
  it('turns driver values into JSON values', () => {
    expect(jsonSafe(new Date('2024-01-02T03:04:05.678Z'))).toBe('2024-01-02T03:04:05.678Z');
    expect(jsonSafe(Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe('3q2+7w==');
    expect(jsonSafe(12345678901234567890n)).toBe('12345678901234567890');
    expect(jsonSafe(Infinity)).toBe('Infinity');
    expect(jsonSafe(NaN)).toBe('NaN');
    expect(jsonSafe(undefined)).toBeNull();
    expect(jsonSafe(null)).toBeNull();
    expect(jsonSafe(new Date(NaN))).toBeNull();
  });

  it('keeps plain JSON as it is', () => {
    expect(jsonSafe('text')).toBe('text');
    expect(jsonSafe(1.5)).toBe(1.5);
    expect(jsonSafe(false)).toBe(false);
    expect(jsonSafe({ a: [1, 'x', null] })).toEqual({ a: [1, 'x', null] });
  });

  it('converts inside arrays and objects (json columns, array columns)', () => {
    const nested = { at: new Date('2024-05-06T00:00:00Z'), blobs: [Buffer.from('hi')], big: [1n] };
    expect(jsonSafe(nested)).toEqual({ at: '2024-05-06T00:00:00.000Z', blobs: ['aGk='], big: ['1'] });
  });

  it('produces something JSON.stringify keeps intact', () => {
    const value = [new Date(0), Buffer.from('a'), 5n, -Infinity];
    const safe = jsonSafe(value);
    expect(JSON.parse(JSON.stringify(safe))).toEqual(safe);
  });
});

describe('toResultSet', () => {
  const columns = ['id', 'name'];
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [i + 1, `row ${i + 1}`]);

  it('returns every row when they fit the cap', () => {
    expect(toResultSet({ columns, rows: rows(3), affected: 3 }, 3)).toEqual({
      columns,
      rows: rows(3),
      rowCount: 3,
      truncated: false,
    });
  });

  it('cuts at the cap and says so when the driver fetched one more', () => {
    const set = toResultSet({ columns, rows: rows(4), affected: null }, 3);
    expect(set.rows).toEqual(rows(3));
    expect(set.rowCount).toBe(3);
    expect(set.truncated).toBe(true);
  });

  it('reports affected rows for a statement that returns no columns', () => {
    expect(toResultSet({ columns: [], rows: [], affected: 7 }, 1000)).toEqual({
      columns: [],
      rows: [],
      rowCount: 7,
      truncated: false,
    });
    expect(toResultSet({ columns: [], rows: [], affected: null }, 1000).rowCount).toBe(0);
  });

  it('makes every cell JSON-safe, in column order', () => {
    const set = toResultSet({ columns: ['at', 'data'], rows: [[new Date(0), Buffer.from('x')]], affected: 1 }, 10);
    expect(set.rows).toEqual([['1970-01-01T00:00:00.000Z', 'eA==']]);
  });
});
