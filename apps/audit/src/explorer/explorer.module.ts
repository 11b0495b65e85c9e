import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { ExplorerConfigController } from './explorer-config.controller';
import { ExplorerConfig } from './explorer.config';
import { LedgerProxyController } from './ledger-proxy.controller';
import { SpaMiddleware } from './spa.middleware';

/**
 * The web explorer: the built React SPA at `/` (with deep links), `/explorer-config.json`, and a
 * read-only proxy to the ledger's public endpoints at `/ledger/*`. The SPA calls the audit API
 * on this origin and the gateway's reviewer API (GATEWAY_CORS_ORIGINS must allow this origin).
 */
@Module({
  controllers: [ExplorerConfigController, LedgerProxyController],
  providers: [{ provide: ExplorerConfig, useFactory: () => loadConfig(ExplorerConfig) }],
})
export class ExplorerModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SpaMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.GET });
  }
}
