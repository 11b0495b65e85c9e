import { DynamicModule, Module } from '@nestjs/common';
import { loadConfig, PlatformConfig } from '@verity/config';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';

/** Paths that never reach a log line: credentials and tokens. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

/** Structured JSON logs (pino) with the app and instance on every line. */
@Module({})
export class AppLoggerModule {
  static forApp(app: string): DynamicModule {
    return {
      module: AppLoggerModule,
      imports: [
        // Async so the environment is read when the app is created, not when its module loads.
        LoggerModule.forRootAsync({
          useFactory: () => {
            const config = loadConfig(PlatformConfig);
            return {
              pinoHttp: {
                level: config.LOG_LEVEL,
                base: { app, instance: config.INSTANCE_ID },
                redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
                genReqId: (req) =>
                  typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID(),
                autoLogging: {
                  ignore: (req) => /^\/(health|metrics)/.test(req.url ?? ''),
                },
                customProps: (req) => ({
                  actionId: (req as { actionId?: string }).actionId,
                }),
              },
            };
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
