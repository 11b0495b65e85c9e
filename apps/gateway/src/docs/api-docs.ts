import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const DOCS_PATH = 'docs';

/** Serves the OpenAPI document at /docs (Swagger UI), /docs/openapi.json and /docs/openapi.yaml. */
export function setupApiDocs(app: INestApplication): void {
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
