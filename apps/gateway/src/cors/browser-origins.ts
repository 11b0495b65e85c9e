import { INestApplication } from '@nestjs/common';

/**
 * CORS for the browser origins in GATEWAY_CORS_ORIGINS (the web explorer's, which approves and
 * rejects reviews here). Exact origins only, never a wildcard; the token travels in the
 * Authorization header, so no credentials (cookies) are allowed. No origins: no CORS headers.
 */
export function allowBrowserOrigins(app: INestApplication, origins: string[]): void {
  if (origins.length === 0) return;
  app.enableCors({
    origin: origins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key'],
    exposedHeaders: ['retry-after'],
    credentials: false,
    maxAge: 600,
  });
}
