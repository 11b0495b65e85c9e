/** A stretch of text `[start, end)` that holds one entity. */
export interface Span {
  start: number;
  end: number;
  /** The entity type when it differs from the detector's own (a secret detector finds several kinds). */
  entity?: string;
}

/** Where a text was found: the column or JSON key that holds it (`email`, `billing.card_number`). */
export interface DetectionContext {
  /** The last name on the path, lower-cased: the column or the JSON key. Empty when there is none. */
  readonly field: string;
}

export const NO_CONTEXT: DetectionContext = { field: '' };

/** Finds one kind of sensitive entity (e-mail, phone, card…) in a string. Pure, no state. */
export interface Detector {
  /** Entity type, as it appears in masking reports: `email`. */
  readonly entity: string;
  /**
   * Prefilter triggers (`T_*` of prefilter.ts) of which one must lie near anything this detector
   * finds: it then runs only on the windows around them. Absent: it always runs on the whole text.
   * 0: it finds only by field name, so it runs only where `wantsField` says so.
   */
  readonly triggers?: number;
  /** How far past a window's end this detector may need to read (a cued address runs to its sentence's end). */
  readonly reach?: number;
  /**
   * When this detector takes a value whole by its field, that settles the value: no other detector runs
   * (a `full_name` or `phone` column). Not for secret-named fields, where a vendor shape still names the kind.
   */
  readonly settles?: boolean;
  /** Whether a value under this field (column or JSON key) is read whole, field name included. */
  wantsField?(field: string): boolean;
  /** Spans in order, not overlapping. Must run in time linear in the text's length. */
  find(text: string, context?: DetectionContext): Span[];
}

/** All matches of a global regular expression as spans (the expression must be linear-time). */
export function spansOf(
  text: string,
  pattern: RegExp,
  accept: (match: RegExpExecArray) => boolean = () => true,
): Span[] {
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) pattern.lastIndex++;
    else if (accept(m)) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/** The `width` characters before `index`, lower-cased: the words that give a number its meaning. */
export function before(text: string, index: number, width = 48): string {
  return text.slice(Math.max(0, index - width), index).toLowerCase();
}
