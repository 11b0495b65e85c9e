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

/** Query parameters whose value never reaches a log line (`?access_token=…`, `?api_key=…`). */
const SECRET_PARAM = /token|key|secret|passw|pwd|auth|credential|signature|^code$/i;

/** The request URL as logged: the values of secret-named query parameters replaced. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed name is logged as sent
      }
      return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=[REDACTED]` : pair;
    });
  return `${url.slice(0, at)}?${query.join('&')}`;
}

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
                serializers: {
                  req: (req: { url?: string; query?: Record<string, unknown> }) => {
                    if (typeof req.url === 'string') req.url = redactUrl(req.url);
                    if (req.query && typeof req.query === 'object') {
                      req.query = Object.fromEntries(
                        Object.entries(req.query).map(([k, v]) => [k, SECRET_PARAM.test(k) ? '[REDACTED]' : v]),
                      );
                    }
                    return req;
                  },
                },
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
