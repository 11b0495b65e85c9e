import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loadConfig } from '@verity/config';
import { ApiKeyAuthenticator, IdentityModule } from '@verity/identity';
import { PlatformModule } from '@verity/platform';
import { ActionEntity } from './actions/action.entity';
import { ActionsController } from './actions/actions.controller';
import { ActionsRepository } from './actions/actions.repository';
import { ActionsService } from './actions/actions.service';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { GatewayConfig } from './config/gateway.config';
import { ConnectionRegistry } from './connections/connection-registry';
import { HttpExecutor } from './execution/http-executor.service';
import { SqlExecutor } from './execution/sql-executor.service';
import { TargetExecutor } from './execution/target-executor.service';
import { CreateActions1764100000000 } from './migrations/1764100000000-create-actions';
import { CreateApiKeys1764200000000 } from './migrations/1764200000000-create-api-keys';
import { AddLedgerIndex1764300000000 } from './migrations/1764300000000-add-ledger-index';
import { LedgerIndexConsumer } from './ledger/ledger-index.consumer';
import { RepliesConsumer } from './replies/replies.consumer';
import { RepliesService } from './replies/replies.service';

@Module({
  imports: [
    PlatformModule.forApp({
      app: 'gateway',
      persistence: {
        schema: 'gateway',
        entities: [ActionEntity, ApiKeyEntity],
        migrations: [CreateActions1764100000000, CreateApiKeys1764200000000, AddLedgerIndex1764300000000],
      },
    }),
    TypeOrmModule.forFeature([ActionEntity, ApiKeyEntity]),
    IdentityModule.forRoot(),
  ],
  controllers: [ActionsController, ApiKeysController, RepliesConsumer, LedgerIndexConsumer],
  providers: [
    { provide: GatewayConfig, useFactory: () => loadConfig(GatewayConfig) },
    ConnectionRegistry,
    SqlExecutor,
    HttpExecutor,
    TargetExecutor,
    RepliesService,
    ActionsRepository,
    ActionsService,
    ApiKeysRepository,
    ApiKeysService,
    { provide: ApiKeyAuthenticator, useExisting: ApiKeysService },
  ],
})
export class GatewayModule {}
