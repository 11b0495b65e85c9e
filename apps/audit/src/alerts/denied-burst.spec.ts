import { burstsIn, Denial } from './denied-burst';

const at = (second: number, id: string): Denial => ({
  actionId: id,
  sessionId: 's',
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
});
const rule = { count: 3, windowMs: 10_000 };

describe('burstsIn', () => {
  it('raises at the denial that makes the count within the window', () => {
    expect(burstsIn([at(0, 'a'), at(4, 'b'), at(8, 'c')], rule).map((d) => d.actionId)).toEqual(['c']);
  });

  it('raises nothing when the denials are spread wider than the window', () => {
    expect(burstsIn([at(0, 'a'), at(6, 'b'), at(12, 'c')], rule)).toEqual([]);
  });

  it('raises once for a long streak, and again after it thins out', () => {
    const streak = [0, 1, 2, 3, 4].map((s) => at(s, `a${s}`));
    const later = [30, 31, 32].map((s) => at(s, `b${s}`));
    expect(burstsIn([...later, ...streak], rule).map((d) => d.actionId)).toEqual(['a2', 'b32']);
  });

  it('does not depend on the order it is given the denials in', () => {
    const denials = [at(0, 'a'), at(3, 'b'), at(5, 'c'), at(9, 'd'), at(20, 'e')];
    expect(burstsIn([...denials].reverse(), rule)).toEqual(burstsIn(denials, rule));
  });
});
