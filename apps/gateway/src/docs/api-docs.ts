import { INestApplication, Injectable, OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const DOCS_PATH = 'docs';

/**
 * Serves the OpenAPI document at /docs (Swagger UI), /docs/openapi.json and /docs/openapi.yaml.
 *
 * bootstrapService (libs/platform) starts listening before it hands out the app, and Nest adds
 * its 404 handler at the end of init, so routes added afterwards are never reached. This
 * registers them during init instead (onModuleInit runs before the 404 handler is added), on a
 * stand-in for the app that offers what SwaggerModule reads: the modules, the HTTP adapter and
 * the (default) application config. The document is built on first request.
 */
@Injectable()
export class ApiDocs implements OnModuleInit {
  private registered = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly modules: ModulesContainer,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (this.registered || !adapter) return;
    this.registered = true;
    const app = {
      container: { getModules: () => this.modules, isGlobalModule: () => false },
      config: new ApplicationConfig(),
      getHttpAdapter: () => adapter,
      useStaticAssets: (path: string, options: object) =>
        (adapter as unknown as { useStaticAssets(p: string, o: object): void }).useStaticAssets(path, options),
    } as unknown as INestApplication;
    const info = new DocumentBuilder()
      .setTitle('Verity gateway')
      .setDescription(
        'Ingress for AI agents: every action is authenticated, decided by policy, run with credentials the agent never sees, masked, and recorded. Errors are `{ "error": { "code", "message", "details"? } }` with a stable code.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .build();
    SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, info), {
      jsonDocumentUrl: `${DOCS_PATH}/openapi.json`,
      yamlDocumentUrl: `${DOCS_PATH}/openapi.yaml`,
    });
  }
}
