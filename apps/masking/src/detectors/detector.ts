/** A stretch of text `[start, end)` that holds one entity. */
export interface Span {
  start: number;
  end: number;
}

/** Finds one kind of sensitive entity (e-mail, phone, card…) in a string. Pure, no state. */
export interface Detector {
  /** Entity type, as it appears in masking reports: `email`. */
  readonly entity: string;
  /** Spans in order, not overlapping. Must run in time linear in the text's length. */
  find(text: string): Span[];
}
