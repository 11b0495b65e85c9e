import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ActorV1, DomainError } from '@verity/contracts';
import { assertInGroups, AuthGuard } from '@verity/identity';
import { AuditConfig, auditReadGroups } from '../config/audit.config';

/**
 * Lets through callers in one of AUDIT_READ_GROUPS. Runs after AuthGuard, which verified the
 * bearer token and put the actor on the request. (The groups come from configuration at run
 * time, which `@RequireGroups` cannot take: its list is fixed when the class is declared.)
 */
@Injectable()
export class AuditReaderGuard implements CanActivate {
  private readonly groups: string[];

  constructor(@Inject(AuditConfig) config: AuditConfig) {
    this.groups = auditReadGroups(config);
  }

  canActivate(context: ExecutionContext): boolean {
    const actor = context.switchToHttp().getRequest<{ actor?: ActorV1 }>().actor;
    if (!actor) throw new DomainError('AUTH.UNAUTHENTICATED', 'a bearer token is required');
    assertInGroups(actor, this.groups);
    return true;
  }
}

/** Bearer token required, and membership in an audit-reader group. */
export const AuditReaders = (): ClassDecorator & MethodDecorator =>
  applyDecorators(UseGuards(AuthGuard, AuditReaderGuard));
