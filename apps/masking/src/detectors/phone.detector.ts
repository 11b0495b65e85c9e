import { CountryCode, findPhoneNumbersInText } from 'libphonenumber-js/max';
import { before, DetectionContext, Detector, NO_CONTEXT, Span } from './detector';

/** A run that could hold a phone number: a digit (or `+`/`(`), then digits and separators, ending in a digit. */
const CANDIDATE = /(?<![\w.:/+-])[+(]?\d[\d \t().\-/]{5,24}\d(?![\w:]|\.\d)/g;
/** Shapes that are no phone number: ISO dates and times, dotted quads. */
const NOT_PHONE = /^\d{4}-\d{2}-\d{2}|^\d{1,3}(?:\.\d{1,3}){3}$|^\d{1,2}\/\d{1,2}\/\d{2,4}$/;
/** Results of the finder for recent windows: the same number recurs in a column. Bounded. */
const memo = new Map<string, Array<{ startsAt: number; endsAt: number }>>();
const MEMO_SIZE = 4096;
/** Nationally written numbers are tried against these countries only when the context says "phone". */
const NATIONAL = ['GB', 'DE', 'FR', 'IL', 'JP', 'CN', 'IN', 'BR', 'AU', 'ES', 'IT', 'NL'] as CountryCode[];
const CUE = /(?:phone|mobile|cell|tel\b|tel[.:]|fax|call|number|whatsapp|contact|sms)/;
const FIELD = /(?:phone|mobile|cell|tel|fax|msisdn)/;

/**
 * Phone numbers, found by libphonenumber-js's text finder (metadata "max": real numbering plans,
 * not a length check). A cheap scan picks the runs of digits worth a look; the finder only sees those
 * windows. International (`+…`) and US numbers count anywhere; national numbers of other countries
 * only next to words like "phone" or in a phone-like field.
 */
export class PhoneDetector implements Detector {
  readonly entity = 'phone';

  find(text: string, context: DetectionContext = NO_CONTEXT): Span[] {
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const digits = m[0].replace(/\D/g, '');
      if (digits.length < 7 || digits.length > 15 || NOT_PHONE.test(m[0])) continue;
      const cued = FIELD.test(context.field) || CUE.test(before(text, m.index, 40));
      const international = m[0][0] === '+';
      // Without "+" or a cue, only a US-length number is worth the finder's time.
      // Without "+" or a cue, only a US-length number written with separators is worth the finder's time:
      // a bare run of ten digits is as likely an order number.
      const formatted = digits.length !== m[0].length;
      if (
        !international &&
        !cued &&
        !(formatted && (digits.length === 10 || (digits.length === 11 && digits[0] === '1')))
      )
        continue;
      for (const f of this.findIn(m[0], cued && !international))
        spans.push({ start: m.index + f.startsAt, end: m.index + f.endsAt });
    }
    return spans;
  }

  private findIn(window: string, national: boolean): Array<{ startsAt: number; endsAt: number }> {
    const key = `${national ? 'n' : 'u'}${window}`;
    const known = memo.get(key);
    if (known) return known;
    let found: Array<{ startsAt: number; endsAt: number }> = [];
    for (const country of national ? ['US' as CountryCode, ...NATIONAL] : ['US' as CountryCode]) {
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
