import { IpDetector } from './ip.detector';

const found = (text: string) => new IpDetector().find(text).map((s) => text.slice(s.start, s.end));

describe('IpDetector', () => {
  it.each([
    ['IPv4: 192.168.1.1, IPv6: 2001:db8::1', ['192.168.1.1', '2001:db8::1']],
    ['Loopback ::1 and ::1/128', ['::1', '::1/128']],
    ['Visit http://[2001:db8::1]/path', ['2001:db8::1']],
    ['::ffff:10.0.0.1', ['::ffff:10.0.0.1']],
    ['net 10.0.0.0/8', ['10.0.0.0/8']],
  ])('finds addresses in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it.each(['999.1.1.1', 'v1.2.3.4', 'at 10:00:00', 'mac 00:1A:2B:3C:4D:5E', 'std::vector', '1.2.3', '::'])(
    'finds nothing in %j',
    (text) => {
      expect(found(text)).toEqual([]);
    },
  );
});
