import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loadConfig } from '@verity/config';
import { ApiKeyAuthenticator, IdentityModule } from '@verity/identity';
import { PlatformModule } from '@verity/platform';
import { ActionEntity } from './actions/action.entity';
import { ActionMetrics } from './actions/action.metrics';
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
import { CreateReviewVerdicts1764500000000 } from './migrations/1764500000000-create-review-verdicts';
import { AddReviewState1764400000000 } from './migrations/1764400000000-add-review-state';
import { ReviewsConsumer } from './reviews/reviews.consumer';
import { ReviewsController } from './reviews/reviews.controller';
import { ReviewsService } from './reviews/reviews.service';
import { VerdictEntity } from './reviews/verdict.entity';
import { McpController, ProtectedResourceController } from './mcp/mcp.controller';
import { McpSessions } from './mcp/mcp-sessions.service';
import { PgWireServer } from './pgwire/pg-wire.server';

@Module({
  imports: [
    PlatformModule.forApp({
      app: 'gateway',
      persistence: {
        schema: 'gateway',
        entities: [ActionEntity, ApiKeyEntity, VerdictEntity],
        migrations: [
          CreateActions1764100000000,
          CreateApiKeys1764200000000,
          AddLedgerIndex1764300000000,
          AddReviewState1764400000000,
          CreateReviewVerdicts1764500000000,
        ],
      },
    }),
    TypeOrmModule.forFeature([ActionEntity, ApiKeyEntity, VerdictEntity]),
    IdentityModule.forRoot(),
  ],
  controllers: [
    ActionsController,
    ApiKeysController,
    ReviewsController,
    McpController,
    ProtectedResourceController,
    RepliesConsumer,
    LedgerIndexConsumer,
    ReviewsConsumer,
  ],
  providers: [
    { provide: GatewayConfig, useFactory: () => loadConfig(GatewayConfig) },
    ConnectionRegistry,
    SqlExecutor,
    HttpExecutor,
    TargetExecutor,
    RepliesService,
    ActionsRepository,
    ActionMetrics,
    ActionsService,
    ReviewsService,
    McpSessions,
    PgWireServer,
    ApiKeysRepository,
    ApiKeysService,
    { provide: ApiKeyAuthenticator, useExisting: ApiKeysService },
  ],
})
export class GatewayModule {}
