import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ActorV1, DomainError } from '@verity/contracts';
import { AuthGuard, CurrentActor } from '@verity/identity';
import { GatewayConfig } from '../config/gateway.config';
import { ERROR_SCHEMA } from '../docs/schemas';
import { ApiKeysService, ApiKeyView } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

/** Service-account API keys; admins only (GATEWAY_ADMIN_GROUPS). */
@ApiTags('api-keys')
@ApiBearerAuth('bearer')
@Controller('v1/api-keys')
@UseGuards(AuthGuard)
@ApiResponse({ status: 401, description: 'AUTH.UNAUTHENTICATED', schema: ERROR_SCHEMA })
@ApiResponse({ status: 403, description: 'AUTH.FORBIDDEN: not in an admin group', schema: ERROR_SCHEMA })
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly config: GatewayConfig,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a key; the answer is the only time its secret (`key`) is shown' })
  @ApiResponse({ status: 201, description: '{ id, key, name, subject, groups, connections, createdBy, createdAt }' })
  @ApiResponse({ status: 404, description: 'CONNECTION.NOT_FOUND', schema: ERROR_SCHEMA })
  create(@CurrentActor() actor: ActorV1, @Body() body: CreateApiKeyDto): Promise<ApiKeyView & { key: string }> {
    this.requireAdmin(actor);
    return this.keys.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'List keys (never their secrets), revoked ones included' })
  async list(@CurrentActor() actor: ActorV1): Promise<{ items: ApiKeyView[] }> {
    this.requireAdmin(actor);
    return { items: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key; it stops working at once' })
  @ApiResponse({ status: 404, description: 'API_KEY.NOT_FOUND', schema: ERROR_SCHEMA })
  async revoke(@CurrentActor() actor: ActorV1, @Param('id') id: string): Promise<void> {
    this.requireAdmin(actor);
    await this.keys.revoke(actor, id);
  }

  private requireAdmin(actor: ActorV1): void {
    const groups = this.config.adminGroups;
    if (actor.kind === 'service' || !groups.some((g) => actor.groups.includes(g))) {
      throw new DomainError('AUTH.FORBIDDEN', `requires a person in one of: ${groups.join(', ')}`);
    }
  }
}
