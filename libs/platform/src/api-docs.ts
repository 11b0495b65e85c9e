import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const DOCS_PATH = 'docs';

export interface ApiDocsInfo {
  title: string;
  description: string;
}

const ERRORS = 'Errors are `{ "error": { "code", "message", "details"? } }` with a stable code.';

/**
 * Serves a service's OpenAPI document at /docs (Swagger UI), /docs/openapi.json and
 * /docs/openapi.yaml, with bearer (JWT) authentication declared. Pass as `configure` to
 * bootstrapService: `configure: (app) => setupApiDocs(app, info)`.
 */
export function setupApiDocs(app: INestApplication, info: ApiDocsInfo): void {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(`${info.description} ${ERRORS}`)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: `${DOCS_PATH}/openapi.json`,
    yamlDocumentUrl: `${DOCS_PATH}/openapi.yaml`,
  });
}
