import { createHash, createHmac } from 'node:crypto';

/** Turns one found entity into what the agent sees instead. */
export type MaskingStrategy = (match: string, entity: string) => string;

export const STRATEGY_NAMES = ['redact', 'partial', 'token', 'hash', 'drop', 'keep'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Replaces the entity with its type: `[EMAIL]`. */
export const redact: MaskingStrategy = (_match, entity) => {
  let placeholder = PLACEHOLDERS.get(entity);
  if (placeholder === undefined) {
    placeholder = `[${entity.toUpperCase()}]`;
    if (PLACEHOLDERS.size < 256) PLACEHOLDERS.set(entity, placeholder);
  }
  return placeholder;
};
const PLACEHOLDERS = new Map<string, string>();

/** A letter or digit (any script); ASCII without a regular expression. */
function isAlnum(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  return /[\p{L}\p{N}]/u.test(c);
}

/** Keeps the last four letters or digits and stars the others, separators kept: `**** **** **** 4242`. */
export const partial: MaskingStrategy = (match, entity) => {
  let alnum = 0;
  for (const c of match) if (isAlnum(c)) alnum++;
  if (alnum <= 6) return redact(match, entity); // too short: the last four would be most of it
  let keep = 4;
  let out = '';
  for (let i = match.length - 1; i >= 0; i--) {
    const c = match[i];
    if (isAlnum(c)) out = (keep-- > 0 ? c : '*') + out;
    else out = c + out;
  }
  return out;
};

/** Drops the whole field (key or cell) that holds the entity; text-masker and walker act on it. */
export const drop: MaskingStrategy = () => '';

/** Leaves the entity as it is: only when a profile says so explicitly. */
export const keep: MaskingStrategy = (match) => match;

/** The same entity written differently (`Alice@X.com`, `alice@x.com`; `4242-4242…`, `4242 4242…`) tokenises alike. */
export function normalise(match: string, entity: string): string {
  if (['credit_card', 'phone', 'us_ssn', 'iban'].includes(entity))
    return match.replace(/[^\p{L}\p{N}+]/gu, '').toUpperCase();
  if (entity === 'email') return match.toLowerCase();
  return match.trim();
}

/**
 * Deterministic token: keyed HMAC-SHA256 of the normalised value, so the same value gives the same
 * token (an agent can join and count) while nobody without the key can test a guess. `[EMAIL:3f9a…]`.
 */
export function tokenStrategy(key: Buffer): MaskingStrategy {
  return (match, entity) => {
    const mac = createHmac('sha256', key)
      .update(`${entity}\0${normalise(match, entity)}`)
      .digest('hex');
    return `[${entity.toUpperCase()}:${mac.slice(0, 16)}]`;
  };
}

/**
 * Unkeyed SHA-256 of the normalised value: `[EMAIL:sha256:…]`. Deterministic across deployments, but a
 * value with few possibilities (a phone number, an SSN) can be found by trying them all: prefer `token`.
 */
export const hash: MaskingStrategy = (match, entity) =>
  `[${entity.toUpperCase()}:sha256:${createHash('sha256').update(normalise(match, entity)).digest('hex').slice(0, 16)}]`;
