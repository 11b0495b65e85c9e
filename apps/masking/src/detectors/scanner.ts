import { CardDetector } from './card.detector';
import { CredentialDetector } from './credential.detector';
import { DateOfBirthDetector } from './date-of-birth.detector';
import { DetectionContext, Detector, NO_CONTEXT, Span } from './detector';
import { EmailDetector } from './email.detector';
import { EncodedDetector } from './encoded.detector';
import { personDetector, streetAddressDetector } from './field-name.detector';
import { FreeTextNameDetector } from './free-text-name.detector';
import { IbanDetector } from './iban.detector';
import { IpDetector } from './ip.detector';
import { PhoneDetector } from './phone.detector';
import { findWindows } from './prefilter';
import { SecretDetector } from './secret.detector';
import { SsnDetector } from './ssn.detector';

/** One entity found in a text. */
export interface Finding {
  start: number;
  end: number;
  entity: string;
}

/**
 * How specific a type is, for overlaps of equal length: a checksum or a vendor prefix says more
 * than a keyword, a keyword more than a digit pattern.
 */
const SPECIFICITY: Record<string, number> = {
  private_key: 9,
  jwt: 8,
  aws_access_key: 8,
  gcp_api_key: 8,
  azure_key: 8,
  github_token: 8,
  gitlab_token: 8,
  slack_token: 8,
  stripe_key: 8,
  openai_key: 8,
  password: 7,
  credit_card: 6,
  iban: 6,
  us_ssn: 5,
  email: 5,
  api_key: 4,
  generic_secret: 4,
  date_of_birth: 4,
  ip_address: 3,
  phone: 2,
  person: 1,
  street_address: 1,
};

const specificity = (entity: string) => SPECIFICITY[entity] ?? 0;

/** Of overlapping findings, the longest wins; at equal length the more specific, then the earlier. */
export function resolveOverlaps(found: Finding[]): Finding[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  let cluster: Finding[] = [];
  let clusterEnd = -1;
  const flush = () => {
    if (cluster.length === 1) out.push(cluster[0]);
    else if (cluster.length > 1) {
      const ranked = cluster.sort(
        (a, b) =>
          b.end - b.start - (a.end - a.start) || specificity(b.entity) - specificity(a.entity) || a.start - b.start,
      );
      const kept: Finding[] = [];
      for (const f of ranked) if (kept.every((k) => f.end <= k.start || f.start >= k.end)) kept.push(f);
      out.push(...kept.sort((a, b) => a.start - b.start));
    }
    cluster = [];
  };
  for (const f of sorted) {
    if (f.start >= clusterEnd) flush();
    cluster.push(f);
    clusterEnd = Math.max(clusterEnd, f.end);
  }
  flush();
  return out;
}

/** `end`, moved on to the next whitespace (at most 256 characters on), within the text. */
function extend(text: string, end: number): number {
  let e = Math.min(end, text.length);
  for (let steps = 0; e < text.length && steps < 256 && !/\s/.test(text[e]); steps++) e++;
  return e;
}

/** Appends a detector's spans, shifted by `offset`, as findings; allocates only when there are some. */
function collect(found: Finding[] | undefined, d: Detector, spans: Span[], offset: number): Finding[] | undefined {
  for (const s of spans)
    (found ??= []).push({ start: s.start + offset, end: s.end + offset, entity: s.entity ?? d.entity });
  return found;
}

/** Index of the first and one past the last non-whitespace character. */
const leading = (text: string) => text.length - text.trimStart().length;
const trailing = (text: string) => text.trimEnd().length;

const NO_DETECTORS: readonly Detector[] = [];
const NONE: readonly Finding[] = Object.freeze([]) as readonly Finding[];
/** Field names whose decision (read whole or by windows) is remembered; cleared when full. */
const FIELD_CACHE_SIZE = 1024;

/**
 * Runs a set of detectors over a text and returns non-overlapping findings in order. One prefilter
 * pass (prefilter.ts) finds the windows where anything could match; each detector runs only on the
 * windows that hold one of its triggers. A text without any trigger costs that one pass and no
 * allocation. A value under a field some detector reads whole (`phone`, `full_name`, `api_key`)
 * is scanned whole by every detector; that decision is cached per field name.
 */
export class Scanner {
  private readonly byField = new Map<string, readonly Detector[]>();

  constructor(private readonly detectors: readonly Detector[]) {}

  scan(text: string, context: DetectionContext = NO_CONTEXT): readonly Finding[] {
    let found: Finding[] | undefined;
    const wanting = this.wanting(context.field);
    if (wanting.length > 0) {
      // A detector that takes the whole value by its field (`full_name`, `phone`) settles it: nothing else
      // can be longer, so the other detectors need not run.
      for (const d of wanting) {
        if (!d.settles) continue;
        const spans = d.find(text, context);
        if (spans.length === 1 && spans[0].start === leading(text) && spans[0].end === trailing(text))
          return [{ start: spans[0].start, end: spans[0].end, entity: spans[0].entity ?? d.entity }];
      }
      for (const d of this.detectors) found = collect(found, d, d.find(text, context), 0);
    } else {
      for (const d of this.detectors) if (d.triggers === undefined) found = collect(found, d, d.find(text, context), 0);
      const windows = findWindows(text);
      for (let k = 0; k < windows.length; k += 3) {
        const start = windows[k];
        const end = windows[k + 1];
        const mask = windows[k + 2];
        const part = start === 0 && end === text.length ? text : text.slice(start, end);
        for (const d of this.detectors) {
          if (d.triggers === undefined || (d.triggers & mask) === 0) continue;
          if (d.reach && end < text.length)
            found = collect(found, d, d.find(text.slice(start, extend(text, end + d.reach)), context), start);
          else found = collect(found, d, d.find(part, context), start);
        }
      }
    }
    if (found === undefined) return NONE;
    return found.length < 2 ? found : resolveOverlaps(found);
  }

  /** The detectors that read a value under `field` whole (none: the value is scanned by windows). */
  private wanting(field: string): readonly Detector[] {
    if (!field) return NO_DETECTORS;
    let wanting = this.byField.get(field);
    if (wanting === undefined) {
      wanting = this.detectors.filter((d) => d.wantsField?.(field) === true);
      if (this.byField.size >= FIELD_CACHE_SIZE) this.byField.clear();
      this.byField.set(field, wanting);
    }
    return wanting;
  }
}

/** Every detector, without the decoding one: what is looked for in plain and in decoded text. */
export function plainDetectors(): Detector[] {
  return [
    new SecretDetector(),
    new CredentialDetector(),
    new EmailDetector(),
    new CardDetector(),
    new IbanDetector(),
    new SsnDetector(),
    new IpDetector(),
    new DateOfBirthDetector(),
    new PhoneDetector(),
    personDetector(),
    streetAddressDetector(),
    new FreeTextNameDetector(),
  ];
}

/** The full set: every plain detector, plus base64 and URL-encoded values decoded and scanned once. */
export function allDetectors(): Detector[] {
  const plain = plainDetectors();
  const inner = new Scanner(plain);
  return [...plain, new EncodedDetector((text, context) => inner.scan(text, context))];
}

/** Entity types the detectors report. */
export const ENTITY_TYPES = Object.keys(SPECIFICITY);
