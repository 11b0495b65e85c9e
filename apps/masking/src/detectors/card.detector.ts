import { before, Detector, Span } from './detector';
import { T_DIGIT } from './prefilter';
import { passesLuhn } from './luhn';

/** 12–19 digits, optionally grouped by single spaces or hyphens, not inside a longer number or word. */
const CANDIDATE = /(?<![\w.-])\d(?:[ -]?\d){11,18}(?![\d])/g;
/** A 12-digit Maestro number counts only after words like "card": too many other ids have 12 digits. */
const CUE = /\b(?:card|cc|credit|debit|maestro|visa|mastercard|amex|pan)\b/;

/** Issuer ranges by length: a Luhn-valid number outside them (a timestamp, an order id) is no card. */
function plausibleIssuer(d: string): boolean {
  const n = d.length;
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if (two >= 51 && two <= 55) return n === 16; // Mastercard
  if (four >= 2221 && four <= 2720) return n === 16; // Mastercard 2-series
  if (two === 34 || two === 37) return n === 15; // American Express
  if (d[0] === '1') return n === 15; // UATP, JCB 1800
  if (four === 2131) return n === 15; // JCB (old 15-digit range)
  if (two === 30 || two === 36 || two === 38 || two === 39) return n >= 14 && n <= 19; // Diners
  if (two === 35) return n >= 16 && n <= 19; // JCB
  if (d[0] === '6' || two === 50 || (two >= 56 && two <= 58)) return n >= 12 && n <= 19; // Discover, Maestro, UnionPay
  return false;
}

/** Payment card numbers: issuer range and length, and the Luhn check (an order number that fails it is kept). */
export class CardDetector implements Detector {
  readonly entity = 'credit_card';
  readonly triggers = T_DIGIT;

  find(text: string): Span[] {
    if (!/\d{4}/.test(text) && !/\d[ -]\d/.test(text)) return [];
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      // The run may swallow a following number ("…4444 219-09-…"): drop trailing groups until it is a card.
      for (let end = m[0].length; end > 0; end = lastSeparator(m[0], end)) {
        const digits = cardDigits(m[0], end);
        if (digits > 0 && (digits > 12 || CUE.test(before(text, m.index)))) {
          spans.push({ start: m.index, end: m.index + end });
          break;
        }
      }
    }
    return spans;
  }
}

/** Where the last group of `run[0, end)` starts, minus its separator (0 when there is one group). */
function lastSeparator(run: string, end: number): number {
  for (let i = end - 1; i > 0; i--) if (run.charCodeAt(i) === 32 || run.charCodeAt(i) === 45) return i;
  return 0;
}

/**
 * The number of digits of `run[0, end)` when it is a card number — one separator kind, not one digit
 * repeated, an issuer's range and length, Luhn — else 0. No allocation unless it passes the cheap checks.
 */
function cardDigits(run: string, end: number): number {
  let digits = 0;
  let separator = 0;
  let same = true;
  for (let i = 0; i < end; i++) {
    const c = run.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && c !== run.charCodeAt(0)) same = false;
      digits++;
    } else if (separator === 0) separator = c;
    else if (c !== separator) return 0; // mixed separators
  }
  if (digits < 12 || digits > 19 || same) return 0;
  const compact = separator === 0 ? run.slice(0, end) : run.slice(0, end).replace(/[ -]/g, '');
  return plausibleIssuer(compact) && passesLuhn(compact) ? digits : 0;
}
