import { decodeCursor, encodeCursor, TEXT_ID } from './cursor';

describe('action cursor', () => {
  const cursor = {
    at: new Date('2026-01-01T10:00:00.123Z'),
    id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
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

describe('text-id cursor', () => {
  it('accepts session ids where asked, and still rejects other text', () => {
    const key = { at: new Date('2026-01-01T10:00:00.000Z'), id: 'agent-session-42' };
    expect(decodeCursor(encodeCursor(key), TEXT_ID)).toEqual(key);
    expect(() => decodeCursor(encodeCursor(key))).toThrow(expect.objectContaining({ code: 'AUDIT.INVALID_CURSOR' }));
    expect(() => decodeCursor(encodeCursor({ ...key, id: 'a b' }), TEXT_ID)).toThrow(
      expect.objectContaining({ code: 'AUDIT.INVALID_CURSOR' }),
    );
  });
});
