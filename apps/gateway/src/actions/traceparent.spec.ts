import { acceptedTraceparent } from './traceparent';

describe('acceptedTraceparent', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('accepts a valid version-00 header', () => {
    expect(acceptedTraceparent(valid)).toBe(valid);
  });

  it('drops missing, malformed and all-zero ids', () => {
    expect(acceptedTraceparent(undefined)).toBeUndefined();
    expect(acceptedTraceparent('garbage')).toBeUndefined();
    expect(acceptedTraceparent(valid.toUpperCase())).toBeUndefined();
    expect(acceptedTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(acceptedTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBeUndefined();
  });
});
