import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ConsumerOptions, KafkaServers } from '@verity/kafka';
import { AppExceptionFilter, jsonBody, requestValidationPipe } from '@verity/observability';
import { Logger } from 'nestjs-pino';

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
  const app = await NestFactory.create<NestExpressApplication>(module, {
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
