import { ActorV1 } from '@verity/contracts';

/** What an API key stands for: a service actor, limited to some connections. */
export interface ApiKeyPrincipal {
  actor: ActorV1;
  /** The connections this key may act on. */
  connections: string[];
}

/**
 * Checks service-account API keys (`vk_<id>_<secret>`). An app that accepts API keys provides
 * one under this token; without it, AuthGuard refuses API keys.
 */
export abstract class ApiKeyAuthenticator {
  /** Resolves the key's principal; throws AUTH.UNAUTHENTICATED for an unknown, revoked or wrong key. */
  abstract authenticate(key: string): Promise<ApiKeyPrincipal>;
}

/** The shape of a Verity API key; anything else presented as one is rejected before any lookup. */
export const API_KEY_FORMAT = /^vk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
