import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, PlatformConfig } from '@verity/config';
import { ConsumerOptions, KafkaServers } from '@verity/kafka';
import { AppExceptionFilter, jsonBody, requestValidationPipe } from '@verity/observability';
import { Logger } from 'nestjs-pino';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ServiceOptions {
  app: string;
  port: number;
  host?: string;
  /** Kafka consumers this process runs; each is a consumer group. */
  consumers: ConsumerOptions[];
  /** Largest accepted JSON body. */
  bodyLimit?: string;
  /** Extra set-up on the created app before it initialises and listens (e.g. OpenAPI routes). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts one Verity service: an HTTP server and its Kafka consumers in one hybrid Nest app,
 * sharing filters and pipes. SIGTERM/SIGINT stop consuming, finish in-flight messages,
 * commit their offsets, then close HTTP and the producer.
 */
export async function bootstrapService(module: Type<unknown>, options: ServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, new TimedExpressAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.use(...jsonBody(options.bodyLimit ?? '1mb'));
  app.useGlobalFilters(new AppExceptionFilter());
  app.useGlobalPipes(requestValidationPipe());
  app.enableShutdownHooks();
  await options.configure?.(app);
  const servers = app.get(KafkaServers);
  for (const consumer of options.consumers) {
    app.connectMicroservice({ strategy: servers.create(consumer) }, { inheritAppConfig: true });
  }
  await app.init(); // creates topics and runs migrations before any consumer subscribes
  await app.startAllMicroservices();
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  await app.listen(options.port, host);
  app.get(Logger).log({ url: `http://${host}:${options.port}` }, `${options.app} listening`);
  return app;
}

/**
 * Express with explicit HTTP server timeouts (PlatformConfig HTTP_*): a client that trickles its
 * headers (slow-loris) or its body is cut off instead of holding a connection open for minutes.
 */
class TimedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: Parameters<ExpressAdapter['initHttpServer']>[0]): void {
    if (options?.httpsOptions || options?.forceCloseConnections) return super.initHttpServer(options);
    const config = loadConfig(PlatformConfig);
    this.httpServer = createServer(
      {
        headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeout: Math.max(config.HTTP_REQUEST_TIMEOUT_MS, config.HTTP_HEADERS_TIMEOUT_MS),
        connectionsCheckingInterval: config.HTTP_CONNECTIONS_CHECK_MS,
      },
      this.getInstance(),
    );
    this.httpServer.on('clientError', answerClientError);
  }
}

/**
 * What Node's HTTP server answers on its own (a request it cannot parse, headers too large,
 * a request not received in time), with the same error body as every other refusal.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // As Node does: answer only when nothing of a response has been written on this socket yet.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent || err.code === 'ECONNRESET') return void socket.destroy();
  const [status, text, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'REQUEST.TIMEOUT', 'the request was not received in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'REQUEST.HEADERS_TOO_LARGE', 'the request headers are too large']
        : [400, 'Bad Request', 'REQUEST.MALFORMED_HTTP', 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
