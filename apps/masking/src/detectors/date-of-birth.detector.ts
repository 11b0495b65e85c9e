import { before, DetectionContext, Detector, NO_CONTEXT, Span, spansOf } from './detector';
import { T_DIGIT } from './prefilter';

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DATE = new RegExp(
  `(?<![\\w/.-])(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}(?:st|nd|rd|th)? (?:${MONTHS})\\.?,? \\d{4}|(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4})(?![\\w/-])`,
  'gi',
);
const CUE = /(?:born|birth|\bdob\b|d\.o\.b|birthday|geboren|né le|née le)/i;
const FIELD = /(?:birth|^dob$|_dob$|^dob_|bday|birthday)/;

/** Dates of birth: a date in a `date_of_birth`/`dob`-like field, or after words like "born" or "date of birth". */
export class DateOfBirthDetector implements Detector {
  readonly entity = 'date_of_birth';
  readonly triggers = T_DIGIT;

  wantsField(field: string): boolean {
    return FIELD.test(field);
  }

  find(text: string, context: DetectionContext = NO_CONTEXT): Span[] {
    if (!/\d/.test(text)) return [];
    const field = FIELD.test(context.field);
    if (!field && !CUE.test(text)) return [];
    return spansOf(text, DATE, (m) => field || CUE.test(before(text, m.index, 40)));
  }
}
