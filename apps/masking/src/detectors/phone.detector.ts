import { CountryCode, findPhoneNumbersInText } from 'libphonenumber-js/max';
import { before, DetectionContext, Detector, NO_CONTEXT, Span } from './detector';
import { T_DIGIT } from './prefilter';

/** A run that could hold a phone number: a digit (or `+`/`(`), then digits and separators, ending in a digit. */
const CANDIDATE = /(?<![\w.:/+-])[+(]?\d[\d \t().\-/]{5,24}\d(?:[ \t]?(?:x|ext\.?|#)[ \t]?\d{1,6})?(?![\w:]|\.\d)/gi;
/** Shapes that are no phone number: ISO dates and times, dotted quads. */
const NOT_PHONE = /^\d{4}-\d{2}-\d{2}|^\d{1,3}(?:\.\d{1,3}){3}$|^\d{1,2}\/\d{1,2}\/\d{2,4}$/;
/** Results of the finder for recent windows: the same number recurs in a column. Bounded. */
const memo = new Map<string, Array<{ startsAt: number; endsAt: number }>>();
const MEMO_SIZE = 4096;
/** Nationally written numbers are tried against these countries only when the context says "phone". */
const NATIONAL = [
  'GB',
  'DE',
  'FR',
  'IT',
  'ES',
  'NL',
  'BE',
  'CH',
  'AT',
  'PL',
  'PT',
  'SE',
  'NO',
  'DK',
  'FI',
  'IE',
  'CZ',
  'HU',
  'GR',
  'RU',
  'TR',
  'IL',
  'IN',
  'CN',
  'JP',
  'BR',
  'MX',
  'AU',
  'NZ',
  'ZA',
] as CountryCode[];
const US_ONLY = ['US'] as CountryCode[];
const NATIONAL_ORDER = ['US', ...NATIONAL] as CountryCode[];
/** Cued national numbers tried against every country, per text (a cued number in a window or cell). */
const NATIONAL_BUDGET = 8;
/** A cue word with no other number between it and the candidate (`call +1 … order #123…` cues only the first). */
const CUE =
  /(?:phone|mobile|cell|tel\b|tel[.:]|fax|call|whatsapp|contact|sms|answering|messages? to|text me|reach|dial|desk|office)[^\d]*$/;
/** "number" says phone unless another kind of number is named: `card number is …`, `order number …`. */
const NOT_PHONE_NUMBER =
  /(?:card|account|order|invoice|tracking|reference|serial|customer|policy|case|ticket|routing|id|iban|passport|licen[cs]e)\s+(?:no\.?\s+)?number/;
/** Words right after a number that say it is a phone (`… 99 04-Office`, `… (fax)`). */
const CUE_AFTER = /^[\s,;:()-]{0,3}(?:office|fax|mobile|cell|home|work|desk|tel|phone)\b/i;
/** How a US number is written, separators included: `(202) 555-0134`, `202.555.0134`, `+1 202 555 0134`. */
const US_GROUPING = /^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?:[ \t]?(?:x|ext\.?|#)[ \t]?\d{1,6})?$/i;
const FIELD = /(?:phone|mobile|cell|tel|fax|msisdn)/;
/** A whole value written like a phone number: optional `+`, digits and the usual separators, an optional extension. */
const WHOLE = /^\+?[\d(][\d \t().\-/]{5,22}\d(?:\s*(?:x|ext\.?|#)\s*\d{1,6})?$/i;

/**
 * Phone numbers, found by libphonenumber-js's text finder (metadata "max": real numbering plans,
 * not a length check). A cheap scan picks the runs of digits worth a look; the finder only sees those
 * windows. International (`+…`) and US numbers count anywhere; national numbers of other countries
 * only next to words like "phone" or in a phone-like field.
 */
export class PhoneDetector implements Detector {
  readonly entity = 'phone';
  readonly triggers = T_DIGIT;
  readonly settles = true;

  wantsField(field: string): boolean {
    return FIELD.test(field);
  }

  /** National look-ups left for the current text. */
  private budget = 0;

  find(text: string, context: DetectionContext = NO_CONTEXT): Span[] {
    this.budget = NATIONAL_BUDGET;
    if (FIELD.test(context.field)) {
      // A phone column: a value shaped like a phone number is one, by structure (no finder call per row).
      const start = text.length - text.trimStart().length;
      const end = text.trimEnd().length;
      const value = text.slice(start, end);
      const digits = value.replace(/\D/g, '').length;
      if (WHOLE.test(value) && digits >= 7 && digits <= 15) return [{ start, end }];
    }
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const candidate = m[0];
      const main = candidate.replace(/[ \t]?(?:x|ext\.?|#)[ \t]?\d{1,6}$/i, '');
      let digits = 0;
      for (let i = 0; i < main.length; i++) if (main.charCodeAt(i) >= 48 && main.charCodeAt(i) <= 57) digits++;
      if (digits < 7 || digits > 15 || NOT_PHONE.test(candidate)) continue;
      const international = candidate[0] === '+';
      const preceding = before(text, m.index, 40);
      const cued =
        FIELD.test(context.field) ||
        CUE.test(preceding) ||
        (/\bnumber\b[^\d]*$/.test(preceding) && !NOT_PHONE_NUMBER.test(preceding)) ||
        CUE_AFTER.test(text.slice(m.index + candidate.length, m.index + candidate.length + 12));
      // Without "+" or a cue, only a number written the US way is worth the finder's time:
      // a bare run of ten digits, or digits grouped otherwise, are as likely an order number or an id.
      if (!international && !cued && !US_GROUPING.test(candidate)) continue;
      for (const f of this.findIn(candidate, cued && !international))
        spans.push({ start: m.index + f.startsAt, end: m.index + f.endsAt });
    }
    return spans;
  }

  private findIn(window: string, national: boolean): Array<{ startsAt: number; endsAt: number }> {
    const key = `${national ? 'n' : 'u'}${window}`;
    const known = memo.get(key);
    if (known) return known;
    let found: Array<{ startsAt: number; endsAt: number }> = [];
    // Each country costs a finder call (~20–40 µs): a text gets a bounded number of national look-ups.
    const countries = national && this.budget > 0 ? NATIONAL_ORDER : US_ONLY;
    if (countries === NATIONAL_ORDER) this.budget--;
    for (const country of countries) {
      found = findPhoneNumbersInText(window, { defaultCountry: country }).map((f) => ({
        startsAt: f.startsAt,
        endsAt: f.endsAt,
      }));
      if (found.length > 0) break;
    }
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(key, found);
    return found;
  }
}
