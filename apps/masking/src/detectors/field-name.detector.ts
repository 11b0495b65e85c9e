import { DetectionContext, Detector, NO_CONTEXT, Span } from './detector';

/** Normalises `FullName`, `full-name`, `full_name` to `full_name`-like words without separators. */
function words(field: string): string {
  return field.replace(/[^a-z0-9]/g, '');
}

/** Longest value taken whole because of its field name: longer text is scanned, not swallowed. */
const MAX_LENGTH = 400;

/**
 * Values whose field name says what they are, masked whole: a `full_name` column or a `lastName`
 * JSON key holds a person's name; `address_line1`, `street` or `billing_address` holds a street address.
 * Free text with no such structure is left to the other detectors.
 */
export class FieldNameDetector implements Detector {
  readonly triggers = 0;
  readonly settles = true;
  constructor(
    readonly entity: string,
    private readonly pattern: RegExp,
  ) {}

  wantsField(field: string): boolean {
    return this.pattern.test(words(field));
  }

  find(text: string, context: DetectionContext = NO_CONTEXT): Span[] {
    if (!context.field || text.length > MAX_LENGTH || !this.pattern.test(words(context.field))) return [];
    const start = text.length - text.trimStart().length;
    const end = text.trimEnd().length;
    return end > start && /\p{L}/u.test(text) ? [{ start, end }] : [];
  }
}

export const PERSON_FIELD =
  /^(?:(?:full|first|last|middle|given|family|maiden|customer|contact|person|holder|cardholder|accountholder|patient|employee|legal|billing|shipping|recipient|sender)name|fullname|name(?:first|last|full)|surname|forename|firstnames?|lastnames?)$/;
export const ADDRESS_FIELD =
  /^(?:(?:street|home|billing|shipping|mailing|postal|residential|delivery)?address(?:line)?\d?|addr(?:ess)?(?:line)?\d|street(?:address|name|line\d?)?|address)$/;

export const personDetector = () => new FieldNameDetector('person', PERSON_FIELD);
export const streetAddressDetector = () => new FieldNameDetector('street_address', ADDRESS_FIELD);
