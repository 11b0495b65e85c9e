import { DynamicModule, Global, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { kafkaBrokers, loadConfig, PlatformConfig } from '@verity/config';
import { Kafka, logLevel } from 'kafkajs';
import { EventPublisher } from './event-publisher';
import { KafkaEventServer, KafkaEventServerOptions } from './kafka-event.server';
import { kafkaLogCreator } from './kafka-logger';
import { KafkaMetrics } from './kafka.metrics';
import { KAFKA_CLIENT } from './kafka.tokens';
import { TopicAdmin } from './topic-admin';

export interface KafkaModuleOptions {
  /** The app's name; becomes the Kafka client id with the instance id. */
  app: string;
}

export type ConsumerOptions = Omit<KafkaEventServerOptions, 'kafka' | 'publisher' | 'metrics' | 'maxWaitTimeInMs'>;

/** Creates the app's Kafka consumers and remembers them for readiness checks. */
@Injectable()
export class KafkaServers implements OnModuleInit {
  private readonly servers: KafkaEventServer[] = [];

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly metrics: KafkaMetrics,
    private readonly topics: TopicAdmin,
    @Inject(PlatformConfig) private readonly config: PlatformConfig,
  ) {}

  /** Topics exist before any consumer subscribes or producer sends. */
  async onModuleInit(): Promise<void> {
    await this.topics.ensureTopics(this.config.KAFKA_PARTITIONS);
    await this.publisher.connect();
  }

  create(options: ConsumerOptions): KafkaEventServer {
    const server = new KafkaEventServer({
      ...options,
      kafka: this.kafka,
      publisher: this.publisher,
      metrics: this.metrics,
      maxWaitTimeInMs: this.config.KAFKA_MAX_WAIT_MS,
    });
    this.servers.push(server);
    return server;
  }

  /** Consumers of this process that are not servers (e.g. a batch consumer) and count for readiness. */
  private readonly tracked: Array<{ isReady(): boolean }> = [];

  track(consumer: { isReady(): boolean }): void {
    this.tracked.push(consumer);
  }

  /** Producer connected and every consumer in its group. */
  isReady(): boolean {
    return (
      this.publisher.isConnected() && this.servers.every((s) => s.isReady()) && this.tracked.every((c) => c.isReady())
    );
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: PlatformConfig,
          useFactory: () => loadConfig(PlatformConfig),
        },
        {
          provide: KAFKA_CLIENT,
          inject: [PlatformConfig],
          useFactory: (config: PlatformConfig) =>
            new Kafka({
              clientId: `${options.app}-${config.INSTANCE_ID}`,
              brokers: kafkaBrokers(config),
              logLevel: logLevel.WARN,
              logCreator: kafkaLogCreator,
              retry: { initialRetryTime: 100, retries: 8 },
            }),
        },
        EventPublisher,
        KafkaMetrics,
        TopicAdmin,
        KafkaServers,
      ],
      exports: [KAFKA_CLIENT, EventPublisher, KafkaServers, PlatformConfig],
    };
  }
}
