import { DetectionContext, NO_CONTEXT } from '../detectors/detector';
import { Scanner } from '../detectors/scanner';
import { MaskingProfile, strategyFor } from '../profiles/masking-profile';
import { drop } from '../profiles/strategies';

export interface MaskedText {
  text: string;
  /** Entity type → how many were masked. Empty when nothing was found. */
  entities: Record<string, number>;
  /** A strategy asked for the whole field to be dropped. */
  dropped?: boolean;
}

const scanners = new WeakMap<MaskingProfile, Scanner>();

function scannerOf(profile: MaskingProfile): Scanner {
  let scanner = scanners.get(profile);
  if (!scanner) scanners.set(profile, (scanner = new Scanner(profile.detectors)));
  return scanner;
}

const CLEAN: Readonly<Record<string, number>> = Object.freeze({});

/** Runs every detector of the profile over `text` and replaces what they find (overlaps resolved first). */
export function maskText(text: string, profile: MaskingProfile, context: DetectionContext = NO_CONTEXT): MaskedText {
  return maskFound(text, profile, context) ?? { text, entities: CLEAN };
}

/** `maskText`, but `undefined` (and nothing allocated) when the text holds nothing to mask. */
export function maskFound(
  text: string,
  profile: MaskingProfile,
  context: DetectionContext = NO_CONTEXT,
): MaskedText | undefined {
  const found = scannerOf(profile).scan(text, context);
  if (found.length === 0) return undefined;
  const entities: Record<string, number> = {};
  let out = '';
  let cursor = 0;
  let dropped = false;
  for (const span of found) {
    const strategy = strategyFor(profile, span.entity);
    if (strategy === drop) dropped = true;
    out += text.slice(cursor, span.start) + strategy(text.slice(span.start, span.end), span.entity);
    cursor = span.end;
    entities[span.entity] = (entities[span.entity] ?? 0) + 1;
  }
  return dropped ? { text: '', entities, dropped } : { text: out + text.slice(cursor), entities };
}
