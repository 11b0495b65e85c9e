import { randomBytes } from 'node:crypto';
import { DomainError } from '@verity/contracts';
import { Detector } from '../detectors/detector';
import { allDetectors } from '../detectors/scanner';
import { drop, hash, keep, MaskingStrategy, partial, redact, StrategyName, tokenStrategy } from './strategies';

export { MaskingStrategy, redact } from './strategies';

/** What to look for, and per entity type how to mask it. */
export interface MaskingProfile {
  readonly name: string;
  readonly detectors: readonly Detector[];
  /** Entity type → strategy; an entity without one gets `fallback`, else is redacted. */
  readonly strategies: Readonly<Record<string, MaskingStrategy>>;
  readonly fallback?: MaskingStrategy;
}

/** A profile as configuration writes it: entity type → strategy name. */
export interface ProfileSpec {
  name: string;
  description?: string;
  strategies: Record<string, StrategyName>;
  /** For entity types the profile does not name. Default `redact`; never `keep` (fail closed). */
  fallback?: Exclude<StrategyName, 'keep'>;
}

const SECRETS = [
  'aws_access_key',
  'gcp_api_key',
  'azure_key',
  'github_token',
  'gitlab_token',
  'slack_token',
  'stripe_key',
  'openai_key',
  'api_key',
  'jwt',
  'private_key',
  'password',
  'generic_secret',
];
const PII = [
  'email',
  'phone',
  'credit_card',
  'iban',
  'ip_address',
  'us_ssn',
  'date_of_birth',
  'person',
  'street_address',
];
const all = (names: string[], s: StrategyName) => Object.fromEntries(names.map((n) => [n, s]));

/**
 * Shipped profiles. `default` (what the policy app names today): PII redacted with typed
 * placeholders, card numbers partially (last four: support can match a card to a complaint, the
 * number is useless), secrets redacted. `analytics`: PII as keyed tokens, so agents can join and
 * count. `strict`: secrets and identifiers drop the whole field, everything else redacted.
 */
export const BUILT_IN_PROFILES: readonly ProfileSpec[] = [
  {
    name: 'default',
    description: 'PII redacted with typed placeholders, card numbers keep their last four, secrets redacted',
    strategies: { ...all(PII, 'redact'), credit_card: 'partial', ...all(SECRETS, 'redact') },
  },
  {
    name: 'analytics',
    description: 'PII as deterministic keyed tokens (joinable, countable), secrets redacted',
    strategies: { ...all(PII, 'token'), date_of_birth: 'redact', ...all(SECRETS, 'redact') },
  },
  {
    name: 'strict',
    description: 'secrets, SSNs and card numbers drop the field; everything else redacted',
    strategies: { ...all(PII, 'redact'), us_ssn: 'drop', credit_card: 'drop', ...all(SECRETS, 'drop') },
    fallback: 'redact',
  },
];

/** Builds a profile from its spec. `token` needs the HMAC key. */
export function buildProfile(spec: ProfileSpec, detectors: readonly Detector[], tokenKey?: Buffer): MaskingProfile {
  const token = tokenKey ? tokenStrategy(tokenKey) : undefined;
  const byName = (s: StrategyName): MaskingStrategy => {
    const strategies: Record<StrategyName, MaskingStrategy | undefined> = { redact, partial, hash, drop, keep, token };
    const strategy = strategies[s];
    if (!strategy)
      throw new DomainError(
        'MASKING.PROFILE_INVALID',
        `profile "${spec.name}" uses strategy "${s}" which is unknown or has no key`,
      );
    return strategy;
  };
  if ((spec.fallback as string) === 'keep')
    throw new DomainError('MASKING.PROFILE_INVALID', `profile "${spec.name}" may not keep unnamed entities`);
  const strategies = Object.fromEntries(Object.entries(spec.strategies).map(([entity, s]) => [entity, byName(s)]));
  return { name: spec.name, detectors, strategies, fallback: byName(spec.fallback ?? 'redact') };
}

export function strategyFor(profile: MaskingProfile, entity: string): MaskingStrategy {
  return Object.hasOwn(profile.strategies, entity) ? profile.strategies[entity] : (profile.fallback ?? redact);
}

/** The profiles a masking process knows, by name. */
export class ProfileRegistry {
  private readonly profiles: Map<string, MaskingProfile>;

  constructor(specs: readonly ProfileSpec[], tokenKey: Buffer) {
    const detectors = allDetectors();
    this.profiles = new Map(specs.map((s) => [s.name, buildProfile(s, detectors, tokenKey)]));
  }

  /** Built-in profiles with a key of this process only (tests; the service loads its configured key). */
  static builtIn(tokenKey: Buffer = randomBytes(32)): ProfileRegistry {
    return new ProfileRegistry(BUILT_IN_PROFILES, tokenKey);
  }

  names(): string[] {
    return [...this.profiles.keys()];
  }

  find(name: string): MaskingProfile {
    const profile = this.profiles.get(name);
    if (!profile) throw new DomainError('MASKING.PROFILE_NOT_FOUND', `no masking profile named "${name}"`);
    return profile;
  }
}

export const DEFAULT_PROFILE: MaskingProfile = buildProfile(BUILT_IN_PROFILES[0], allDetectors());

/** Built-in profiles that need no key. Kept for callers without a registry. */
export function findProfile(name: string): MaskingProfile {
  if (name === DEFAULT_PROFILE.name) return DEFAULT_PROFILE;
  throw new DomainError('MASKING.PROFILE_NOT_FOUND', `no masking profile named "${name}"`);
}
