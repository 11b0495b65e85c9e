import ipaddr from 'ipaddr.js';
import { Detector, Span } from './detector';
import { T_ASSIGN, T_DIGIT } from './prefilter';

const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\d])/g;
/** `Version 10.2.3.4`, `v1.2.3.4`: a four-part version number, not an address. */
const VERSION_CUE = /(?:\bversion|\bver\.?|\brelease|\bbuild|\bv)\s*$/i;
const V6_CHAR = /[0-9A-Fa-f:.]/;
const WORD = /\w/;

function ipv4(text: string, into: Span[]): void {
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
    const [address, prefix] = m[0].split('/');
    if (
      !ipaddr.IPv4.isValidFourPartDecimal(address) ||
      VERSION_CUE.test(text.slice(Math.max(0, m.index - 16), m.index))
    )
      continue;
    const withPrefix = prefix !== undefined && Number(prefix) <= 32;
    into.push({ start: m.index, end: m.index + (withPrefix ? m[0].length : address.length) });
  }
}

/** IPv6 candidates: around each `:`, the run of hex digits, colons and dots, not inside a longer word. */
function ipv6(text: string, into: Span[]): void {
  let from = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', Math.max(i + 1, from))) {
    let start = i;
    let end = i;
    while (start > 0 && i - start < 45 && V6_CHAR.test(text[start - 1])) start--;
    while (end < text.length && end - i < 45 && V6_CHAR.test(text[end])) end++;
    from = end;
    while (text[end - 1] === '.' || (text[end - 1] === ':' && text[end - 2] !== ':')) end--;
    while (text[start] === '.') start++;
    const address = text.slice(start, end);
    if (start > 0 && WORD.test(text[start - 1])) continue;
    if (end < text.length && WORD.test(text[end])) continue;
    if (!/\d/.test(address) || address.split(':').length < 3 || !ipaddr.IPv6.isValid(address)) continue;
    const prefix = /^\/(\d{1,3})(?!\w)/.exec(text.slice(end, end + 5));
    into.push({ start, end: prefix && Number(prefix[1]) <= 128 ? end + prefix[0].length : end });
  }
}

/** IPv4 (four-part decimal) and IPv6 addresses, validated by ipaddr.js; a CIDR suffix is kept in the span. */
export class IpDetector implements Detector {
  readonly entity = 'ip_address';
  readonly triggers = T_DIGIT | T_ASSIGN;

  find(text: string): Span[] {
    const spans: Span[] = [];
    if (text.includes('.')) ipv4(text, spans);
    if (text.includes(':')) ipv6(text, spans);
    // An IPv4 address inside an IPv6 one (`::ffff:10.0.0.1`) is part of it.
    const sorted = spans.sort((a, b) => a.start - b.start || b.end - a.end);
    return sorted.filter((s, i) => i === 0 || s.start >= sorted[i - 1].end);
  }
}
