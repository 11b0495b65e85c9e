import { All, ArgumentsHost, Catch, Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ActorV1, DomainError } from '@verity/contracts';
import { AuthGuard, ConnectionScope, CurrentActor, IdentityConfig, DEV_ISSUER } from '@verity/identity';
import { AppExceptionFilter } from '@verity/observability';
import { loadConfig } from '@verity/config';
import type { Request, Response } from 'express';
import { ActionsService } from '../actions/actions.service';
import { McpSessions } from './mcp-sessions.service';

const METADATA_PATH = '/.well-known/oauth-protected-resource';

const baseUrl = (req: Request) => `${req.protocol}://${req.get('host')}`;

/**
 * A 401 from /mcp also says where the resource's metadata is (RFC 9728 §5.1), so an MCP client
 * can discover the authorization server; otherwise the usual error body.
 */
@Catch()
export class McpChallengeFilter extends AppExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'http' && exception instanceof DomainError && exception.code === 'AUTH.UNAUTHENTICATED') {
      const req = host.switchToHttp().getRequest<Request>();
      host
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('WWW-Authenticate', `Bearer resource_metadata="${baseUrl(req)}${METADATA_PATH}/mcp"`);
    }
    return super.catch(exception, host);
  }
}

/** MCP over Streamable HTTP at /mcp, behind the same authentication as the REST API. */
@ApiExcludeController()
@Controller('mcp')
@UseGuards(AuthGuard)
@UseFilters(McpChallengeFilter)
export class McpController {
  constructor(
    private readonly sessions: McpSessions,
    private readonly actions: ActionsService,
  ) {}

  @All()
  async handle(
    @CurrentActor() actor: ActorV1,
    @ConnectionScope() scope: string[] | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    this.actions.authorize({ actor, scope });
    await this.sessions.handle(req, res, actor, scope);
  }
}

/** OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint. */
@ApiExcludeController()
@Controller()
export class ProtectedResourceController {
  private readonly issuer = loadConfig(IdentityConfig).OIDC_ISSUER ?? DEV_ISSUER;

  @Get([METADATA_PATH, `${METADATA_PATH}/mcp`])
  metadata(@Req() req: Request) {
    return {
      resource: `${baseUrl(req)}/mcp`,
      authorization_servers: [this.issuer],
      bearer_methods_supported: ['header'],
      resource_name: 'Verity gateway (MCP)',
      resource_documentation: `${baseUrl(req)}/docs`,
    };
  }
}
