import { getCountrySpecifications, isValidIBAN } from 'ibantools';
import { Detector, Span } from './detector';
import { T_DIGIT } from './prefilter';

const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){10,32}/g;
const SPECS = getCountrySpecifications();

/** IBANs: country code, length for that country, and the ISO 13616 mod-97 check (via ibantools). */
export class IbanDetector implements Detector {
  readonly entity = 'iban';
  readonly triggers = T_DIGIT;

  find(text: string): Span[] {
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const length = SPECS[m[0].slice(0, 2)]?.chars;
      if (!length) continue;
      // Walk the candidate up to the country's length in alphanumerics; the rest belongs to what follows.
      let compact = '';
      let end = 0;
      for (; end < m[0].length && compact.length < length; end++) {
        if (m[0][end] !== ' ' && m[0][end] !== '-') compact += m[0][end];
      }
      const next = text[m.index + end] ?? '';
      if (compact.length !== length || /[A-Za-z0-9]/.test(next) || !isValidIBAN(compact.toUpperCase())) {
        CANDIDATE.lastIndex = m.index + 1;
        continue;
      }
      spans.push({ start: m.index, end: m.index + end });
      CANDIDATE.lastIndex = m.index + end;
    }
    return spans;
  }
}
