import { DomainError } from '@verity/contracts';
import { Detector } from '../detectors/detector';
import { EmailDetector } from '../detectors/email.detector';

/** Turns one found entity into what the agent sees instead. */
export type MaskingStrategy = (match: string, entity: string) => string;

/** Replaces the entity with its type: `[EMAIL]`. */
export const redact: MaskingStrategy = (_match, entity) => `[${entity.toUpperCase()}]`;

/** What to look for, and per entity type how to mask it. */
export interface MaskingProfile {
  readonly name: string;
  readonly detectors: readonly Detector[];
  /** Entity type → strategy; an entity without one is redacted. */
  readonly strategies: Readonly<Record<string, MaskingStrategy>>;
}

export function strategyFor(profile: MaskingProfile, entity: string): MaskingStrategy {
  return Object.hasOwn(profile.strategies, entity) ? profile.strategies[entity] : redact;
}

export const DEFAULT_PROFILE: MaskingProfile = {
  name: 'default',
  detectors: [new EmailDetector()],
  strategies: { email: redact },
};

const PROFILES = new Map([DEFAULT_PROFILE].map((p) => [p.name, p]));

export function findProfile(name: string): MaskingProfile {
  const profile = PROFILES.get(name);
  if (!profile) throw new DomainError('MASKING.PROFILE_NOT_FOUND', `no masking profile named "${name}"`);
  return profile;
}
