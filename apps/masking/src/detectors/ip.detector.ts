import ipaddr from 'ipaddr.js';
import { Detector, Span } from './detector';

const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\d])/g;
const IPV6 =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?:\/\d{1,3})?(?![\w:])/g;

function collect(text: string, pattern: RegExp, valid: (address: string, prefix: number) => boolean, into: Span[]) {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const [address, prefix] = m[0].split('/');
    const bits = prefix === undefined ? 0 : Number(prefix);
    if (!valid(address, bits)) continue;
    const withPrefix = prefix !== undefined && bits <= (address.includes(':') ? 128 : 32);
    into.push({ start: m.index, end: m.index + (withPrefix ? m[0].length : address.length) });
  }
}

/** IPv4 (four-part decimal) and IPv6 addresses, validated by ipaddr.js; a CIDR suffix is kept in the span. */
export class IpDetector implements Detector {
  readonly entity = 'ip_address';

  find(text: string): Span[] {
    const spans: Span[] = [];
    if (text.includes('.')) collect(text, IPV4, (a) => ipaddr.IPv4.isValidFourPartDecimal(a), spans);
    if (text.includes(':'))
      collect(
        text,
        IPV6,
        (a) => /[0-9]/.test(a) && /[0-9A-Fa-f]/.test(a.replace(/:/g, '')) && ipaddr.IPv6.isValid(a),
        spans,
      );
    // An IPv4 address inside an IPv6 one (`::ffff:10.0.0.1`) is part of it.
    const sorted = spans.sort((a, b) => a.start - b.start || b.end - a.end);
    return sorted.filter((s, i) => i === 0 || s.start >= sorted[i - 1].end);
  }
}
