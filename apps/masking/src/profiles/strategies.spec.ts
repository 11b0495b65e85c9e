import { hash, normalise, partial, redact, tokenStrategy } from './strategies';

describe('masking strategies', () => {
  it('redacts to the typed placeholder', () => {
    expect(redact('alice@example.com', 'email')).toBe('[EMAIL]');
  });

  it('keeps the last four of a card, separators included, and redacts what is too short', () => {
    expect(partial('4111 1111 1111 1111', 'credit_card')).toBe('**** **** **** 1111');
    expect(partial('4111-1111-1111-1234', 'credit_card')).toBe('****-****-****-1234');
    expect(partial('12345', 'us_ssn')).toBe('[US_SSN]');
  });

  it('tokenises deterministically per key, alike for the same value written differently', () => {
    const key = Buffer.alloc(32, 7);
    const token = tokenStrategy(key);
    expect(token('Alice@Example.com', 'email')).toBe(token('alice@example.com', 'email'));
    expect(token('4111 1111 1111 1111', 'credit_card')).toBe(token('4111-1111-1111-1111', 'credit_card'));
    expect(token('alice@example.com', 'email')).toMatch(/^\[EMAIL:[0-9a-f]{16}\]$/);
    expect(token('alice@example.com', 'email')).not.toBe(token('bob@example.com', 'email'));
    expect(tokenStrategy(Buffer.alloc(32, 8))('alice@example.com', 'email')).not.toBe(
      token('alice@example.com', 'email'),
    );
  });

  it('hashes without a key', () => {
    expect(hash('alice@example.com', 'email')).toMatch(/^\[EMAIL:sha256:[0-9a-f]{16}\]$/);
    expect(hash('ALICE@example.com', 'email')).toBe(hash('alice@example.com', 'email'));
  });

  it('normalises numbers to their digits', () => {
    expect(normalise('+1 (202) 555-0101', 'phone')).toBe('+12025550101');
  });
});
