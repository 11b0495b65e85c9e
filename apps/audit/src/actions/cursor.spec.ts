import { decodeCursor, encodeCursor } from './cursor';

describe('action cursor', () => {
  const cursor = {
    requestedAt: new Date('2026-01-01T10:00:00.123Z'),
    actionId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  };

  it('round-trips, to the millisecond', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('is URL-safe', () => {
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    '',
    'not-base64!',
    Buffer.from('{"t":"yesterday","id":"x"}').toString('base64url'),
    Buffer.from('[1]').toString('base64url'),
  ])('rejects %p as AUDIT.INVALID_CURSOR', (text) => {
    expect(() => decodeCursor(text)).toThrow(expect.objectContaining({ code: 'AUDIT.INVALID_CURSOR' }));
  });
});
