import { CardDetector } from './card.detector';
import { CredentialDetector } from './credential.detector';
import { DateOfBirthDetector } from './date-of-birth.detector';
import { DetectionContext, Detector, NO_CONTEXT } from './detector';
import { EmailDetector } from './email.detector';
import { EncodedDetector } from './encoded.detector';
import { personDetector, streetAddressDetector } from './field-name.detector';
import { IbanDetector } from './iban.detector';
import { IpDetector } from './ip.detector';
import { PhoneDetector } from './phone.detector';
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

/** Runs a set of detectors over a text and returns non-overlapping findings in order. */
export class Scanner {
  constructor(private readonly detectors: readonly Detector[]) {}

  scan(text: string, context: DetectionContext = NO_CONTEXT): Finding[] {
    const found: Finding[] = [];
    for (const d of this.detectors)
      for (const s of d.find(text, context)) found.push({ start: s.start, end: s.end, entity: s.entity ?? d.entity });
    return found.length < 2 ? found : resolveOverlaps(found);
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
