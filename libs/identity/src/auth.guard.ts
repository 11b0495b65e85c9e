import { CanActivate, createParamDecorator, ExecutionContext, Injectable, Optional, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ActorV1, DomainError } from '@verity/contracts';
import type { Request } from 'express';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { TokenVerifier } from './token-verifier';

const GROUPS_KEY = 'verity:required-groups';

/** The caller must be in at least one of these groups. */
export const RequireGroups = (...groups: string[]): MethodDecorator & ClassDecorator => SetMetadata(GROUPS_KEY, groups);

type WithActor = Request & { actor?: ActorV1; connectionScope?: string[] };

/**
 * Refuses (403 AUTH.FORBIDDEN) an actor that is in none of `groups`. The one membership check,
 * for decorators and for groups that come from configuration at run time alike.
 */
export function assertInGroups(actor: ActorV1, groups: readonly string[]): void {
  if (!groups.some((g) => actor.groups.includes(g))) {
    throw new DomainError('AUTH.FORBIDDEN', `requires membership in one of: ${groups.join(', ')}`);
  }
}

/**
 * Authentication for HTTP routes; sets the request's actor. Accepts a bearer JWT, or a
 * service-account API key (`Authorization: Bearer vk_…` or `X-API-Key: vk_…`) where the app
 * provides an ApiKeyAuthenticator.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
    @Optional() private readonly apiKeys?: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithActor>();
    const header = req.headers.authorization;
    const apiKeyHeader = req.headers['x-api-key'];
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (header !== undefined && !match) throw new DomainError('AUTH.UNAUTHENTICATED', 'a bearer token is required');
    const apiKey = match?.[1].startsWith('vk_') ? match[1] : apiKeyHeader;
    if (match && apiKeyHeader !== undefined) {
      throw new DomainError('AUTH.UNAUTHENTICATED', 'send either Authorization or X-API-Key, not both');
    }
    if (apiKey !== undefined) {
      if (typeof apiKey !== 'string' || !this.apiKeys) {
        throw new DomainError('AUTH.UNAUTHENTICATED', 'API keys are not accepted here');
      }
      const principal = await this.apiKeys.authenticate(apiKey);
      req.actor = principal.actor;
      req.connectionScope = principal.connections;
    } else {
      if (!match) throw new DomainError('AUTH.UNAUTHENTICATED', 'a bearer token is required');
      req.actor = await this.verifier.verify(match[1]);
    }
    const required = this.reflector.getAllAndOverride<string[] | undefined>(GROUPS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required?.length) assertInGroups(req.actor, required);
    return true;
  }
}

/** The verified actor of the current HTTP request (use behind AuthGuard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): ActorV1 => {
  const actor = ctx.switchToHttp().getRequest<WithActor>().actor;
  if (!actor) throw new DomainError('AUTH.UNAUTHENTICATED', 'no authenticated actor');
  return actor;
});

/** The connections an API key is limited to; undefined for token callers (policy decides for them). */
export const ConnectionScope = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string[] | undefined =>
    ctx.switchToHttp().getRequest<WithActor>().connectionScope,
);
