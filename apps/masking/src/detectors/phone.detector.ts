import { CountryCode, findPhoneNumbersInText } from 'libphonenumber-js/max';
import { before, DetectionContext, Detector, NO_CONTEXT, Span } from './detector';

/** A run that could hold a phone number: a digit (or `+`/`(`), then digits and separators, ending in a digit. */
const CANDIDATE = /[+(]?\d[\d \t().\-/]{5,24}\d/g;
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
      const digits = m[0].replace(/\D/g, '').length;
      if (digits < 7 || digits > 15) continue;
      const from = Math.max(0, m.index - 1);
      const window = text.slice(from, m.index + m[0].length + 1);
      const cued = FIELD.test(context.field) || CUE.test(before(text, m.index, 40));
      for (const country of cued ? ['US' as CountryCode, ...NATIONAL] : ['US' as CountryCode]) {
        const found = findPhoneNumbersInText(window, { defaultCountry: country });
        if (found.length === 0) continue;
        for (const f of found) spans.push({ start: from + f.startsAt, end: from + f.endsAt });
        break;
      }
    }
    return spans;
  }
}
