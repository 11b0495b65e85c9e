import { redactUrl } from './logger.module';

describe('redactUrl', () => {
  it('replaces the values of secret-named query parameters and keeps the rest', () => {
    expect(redactUrl('/v1/reviews?access_token=eyJ.a.b&limit=5')).toBe('/v1/reviews?access_token=[REDACTED]&limit=5');
    expect(redactUrl('/x?API_KEY=k1&Password=p&sig=1&signature=s&code=c')).toBe(
      '/x?API_KEY=[REDACTED]&Password=[REDACTED]&sig=1&signature=[REDACTED]&code=[REDACTED]',
    );
    expect(redactUrl('/x?%74oken=t')).toBe('/x?%74oken=[REDACTED]');
  });

  it('leaves a URL without a query, and malformed names, alone', () => {
    expect(redactUrl('/v1/audit/actions')).toBe('/v1/audit/actions');
    expect(redactUrl('/x?%zz=1&q=free%20text')).toBe('/x?%zz=1&q=free%20text');
  });
});
