import { encodeIndex, parseTilePath } from './tile-path';

describe('tlog-tiles paths', () => {
  it('encodes indices in x-prefixed groups of three digits', () => {
    expect(encodeIndex(0)).toBe('000');
    expect(encodeIndex(1234067)).toBe('x001/x234/067');
  });

  it('parses full and partial tiles and entry bundles', () => {
    expect(parseTilePath(['0', 'x001', 'x234', '067'])).toEqual({ level: 0, index: 1234067, width: undefined });
    expect(parseTilePath(['1', '005.p', '17'])).toEqual({ level: 1, index: 5, width: 17 });
    expect(parseTilePath(['entries', '000'])).toEqual({ level: 'entries', index: 0, width: undefined });
  });

  it('rejects malformed paths', () => {
    for (const bad of [['0', '5'], ['0', 'x000', '005'], ['0', '000.p', '256'], ['a', '000'], ['0']]) {
      expect(parseTilePath(bad)).toBeUndefined();
    }
  });
});
