import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ActorV1, DomainError } from '@verity/contracts';
import type { Request } from 'express';
import { TokenVerifier } from './token-verifier';

const GROUPS_KEY = 'verity:required-groups';

/** The caller must be in at least one of these groups. */
export const RequireGroups = (...groups: string[]): MethodDecorator & ClassDecorator => SetMetadata(GROUPS_KEY, groups);

type WithActor = Request & { actor?: ActorV1 };

/** Bearer-token authentication for HTTP routes; sets the request's actor. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithActor>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match) throw new DomainError('AUTH.UNAUTHENTICATED', 'a bearer token is required');
    req.actor = await this.verifier.verify(match[1]);
    const required = this.reflector.getAllAndOverride<string[] | undefined>(GROUPS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required?.length && !required.some((g) => req.actor?.groups.includes(g))) {
      throw new DomainError('AUTH.FORBIDDEN', `requires membership in one of: ${required.join(', ')}`);
    }
    return true;
  }
}

/** The verified actor of the current HTTP request (use behind AuthGuard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): ActorV1 => {
  const actor = ctx.switchToHttp().getRequest<WithActor>().actor;
  if (!actor) throw new DomainError('AUTH.UNAUTHENTICATED', 'no authenticated actor');
  return actor;
});
