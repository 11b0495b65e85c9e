import { MaskingProfile, strategyFor } from '../profiles/masking-profile';

export interface MaskedText {
  text: string;
  /** Entity type → how many were masked. Empty when nothing was found. */
  entities: Record<string, number>;
}

/** Runs every detector of the profile over `text` and replaces what they find. */
export function maskText(text: string, profile: MaskingProfile): MaskedText {
  const found = profile.detectors
    .flatMap((detector) => detector.find(text).map((span) => ({ ...span, entity: detector.entity })))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const entities: Record<string, number> = {};
  let out = '';
  let cursor = 0;
  for (const span of found) {
    if (span.start < cursor) {
      // Overlaps a span already masked: mask the part that sticks out, count nothing twice.
      if (span.end <= cursor) continue;
      span.start = cursor;
    }
    const replacement = strategyFor(profile, span.entity)(text.slice(span.start, span.end), span.entity);
    out += text.slice(cursor, span.start) + replacement;
    cursor = span.end;
    entities[span.entity] = (entities[span.entity] ?? 0) + 1;
  }
  return { text: out + text.slice(cursor), entities };
}
