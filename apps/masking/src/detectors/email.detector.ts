import { Detector, Span } from './detector';
import { T_AT } from './prefilter';

/** Characters of a dot-atom local part (RFC 5322), plus any Unicode letter or digit (RFC 6531). */
const LOCAL_CHAR = /^[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]$/u;
const DOMAIN_CHAR = /^[\p{L}\p{N}.-]$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
/** A top-level domain is letters (any script) or an IDNA A-label; never digits, so `pkg@1.2.3` is no address. */
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/** The character (one code point) that ends just before `index`. */
function charBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  const high = text.charCodeAt(index - 2);
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return text.slice(pair ? index - 2 : index - 1, index);
}

/** ASCII characters of a dot-atom local part, by code: a table instead of a regular expression per character. */
const ASCII_LOCAL = new Uint8Array(128);
const ASCII_DOMAIN = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_LOCAL[c] = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/.test(ch) ? 1 : 0;
  ASCII_DOMAIN[c] = /[A-Za-z0-9.-]/.test(ch) ? 1 : 0;
}

function isLocalBefore(text: string, index: number): boolean {
  const c = text.charCodeAt(index - 1);
  return c < 128 ? ASCII_LOCAL[c] === 1 : LOCAL_CHAR.test(charBefore(text, index));
}

function isDomainAt(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c < 128 ? ASCII_DOMAIN[c] === 1 : DOMAIN_CHAR.test(charAt(text, index));
}

function charAt(text: string, index: number): string {
  return String.fromCodePoint(text.codePointAt(index) as number);
}

function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (domain.length > 253 || labels.length < 2) return false;
  return labels.every((l) => l.length <= 63 && LABEL.test(l)) && TOP_LEVEL.test(labels[labels.length - 1]);
}

const AUTHORITY_END = new Set([...' \t\n\r"\'<>/'].map((c) => c.charCodeAt(0)));

/** `scheme://user:password@host`: what precedes the `@` is a credential, the host no mailbox. */
function insideUrlAuthority(text: string, start: number): boolean {
  let i = start;
  while (i > 0 && start - i < 256 && !AUTHORITY_END.has(text.charCodeAt(i - 1))) i--;
  return text[i - 1] === '/' && text[i - 2] === '/' && text[i - 3] === ':';
}

/**
 * E-mail addresses: `local@domain.tld`. Instead of one regular expression over the whole text
 * (which backtracks quadratically on long runs of address characters), it looks at each `@`
 * and scans outwards: left over local-part characters, right over domain characters, never
 * past the neighbouring `@`. Every character is looked at a bounded number of times.
 */
export class EmailDetector implements Detector {
  readonly entity = 'email';
  readonly triggers = T_AT;

  find(text: string): Span[] {
    const spans: Span[] = [];
    let floor = 0; // no span may start before the end of the previous one or the previous @
    for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
      const span = this.around(text, at, floor);
      if (span) spans.push(span);
      floor = span ? span.end : at + 1;
    }
    return spans;
  }

  private around(text: string, at: number, floor: number): Span | undefined {
    let start = at;
    while (start > floor && isLocalBefore(text, start))
      start -= text.charCodeAt(start - 1) < 128 ? 1 : charBefore(text, start).length;
    while (text[start] === '.' && start < at) start++; // a local part does not start with a dot
    if (start === at) return undefined;

    let end = at + 1;
    while (end < text.length && isDomainAt(text, end)) end += text.charCodeAt(end) < 128 ? 1 : charAt(text, end).length;
    while (end > at + 1 && /[.-]/.test(text[end - 1])) end--; // "write to a@b.com." ends the sentence
    return isDomain(text.slice(at + 1, end)) && !insideUrlAuthority(text, start) ? { start, end } : undefined;
  }
}
