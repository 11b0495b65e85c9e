import { before, DetectionContext, Detector, NO_CONTEXT, Span, spansOf } from './detector';
import { T_DIGIT } from './prefilter';

/** Three, two and four digits with one separator used throughout, or none. */
const CANDIDATE = /(?<![\d-])(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\d-]|\.\d)/g;
const CUE = /\b(?:ssn|social security|social sec|ss#|ss no|tin)\b/;
const FIELD = /(?:^|_)(?:ssn|social_security(?:_number)?|ss_number|tax_id|tin)$/;

/**
 * US Social Security numbers. Never issued, so never matched: area 000, 666 and 900–999,
 * group 00, serial 0000. Nine digits without separators count only in an `ssn`-like field
 * or after words like "SSN" or "social security".
 */
export class SsnDetector implements Detector {
  readonly entity = 'us_ssn';
  readonly triggers = T_DIGIT;

  wantsField(field: string): boolean {
    return FIELD.test(field);
  }

  find(text: string, context: DetectionContext = NO_CONTEXT): Span[] {
    if (!/\d{2}/.test(text)) return [];
    return spansOf(text, CANDIDATE, (m) => {
      const [, area, sep, group, serial] = m;
      if (area === '000' || area === '666' || area[0] === '9' || group === '00' || serial === '0000') return false;
      if (sep) return true;
      return FIELD.test(context.field) || CUE.test(before(text, m.index));
    });
  }
}
