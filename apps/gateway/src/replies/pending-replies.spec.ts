import { PendingReplies } from './pending-replies';

describe('PendingReplies', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('hands the reply to the request waiting for it', async () => {
    const pending = new PendingReplies<string>();
    const reply = pending.expect('a1', 1000);
    expect(pending.resolve('a1', 'allow')).toBe(true);
    await expect(reply).resolves.toBe('allow');
    expect(pending.size).toBe(0);
  });

  it('resolves with undefined once the timeout passes, and then ignores the late reply', async () => {
    const pending = new PendingReplies<string>();
    const reply = pending.expect('a1', 1000);
    jest.advanceTimersByTime(999);
    expect(pending.size).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(reply).resolves.toBeUndefined();
    expect(pending.resolve('a1', 'allow')).toBe(false);
  });

  it('keeps the first reply and ignores a second one for the same id', async () => {
    const pending = new PendingReplies<string>();
    const reply = pending.expect('a1', 1000);
    expect(pending.resolve('a1', 'deny')).toBe(true);
    expect(pending.resolve('a1', 'allow')).toBe(false);
    await expect(reply).resolves.toBe('deny');
  });

  it('ignores replies for ids nobody waits for', () => {
    const pending = new PendingReplies<string>();
    void pending.expect('mine', 1000);
    expect(pending.resolve('someone-elses', 'allow')).toBe(false);
    expect(pending.size).toBe(1);
    pending.cancel('mine');
  });

  it('keeps requests apart', async () => {
    const pending = new PendingReplies<string>();
    const first = pending.expect('a1', 1000);
    const second = pending.expect('a2', 1000);
    pending.resolve('a2', 'two');
    pending.resolve('a1', 'one');
    await expect(Promise.all([first, second])).resolves.toEqual(['one', 'two']);
  });

  it('cancel ends the wait at once with undefined', async () => {
    const pending = new PendingReplies<string>();
    const reply = pending.expect('a1', 60_000);
    pending.cancel('a1');
    await expect(reply).resolves.toBeUndefined();
    expect(pending.size).toBe(0);
  });

  it('refuses to wait twice for one id', () => {
    const pending = new PendingReplies<string>();
    void pending.expect('a1', 1000);
    expect(() => pending.expect('a1', 1000)).toThrow(/already waiting/);
    pending.cancel('a1');
  });
});
