import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@verity/kafka';
import { AppLoggerModule, MetricsController } from '@verity/observability';
import { AppPersistence, PersistenceModule } from '@verity/persistence';
import { collectDefaultMetrics, register } from 'prom-client';
import { HealthController } from './health.controller';

export interface PlatformOptions {
  app: string;
  /** The app's own schema, entities and migrations; omit for an app without tables. */
  persistence?: AppPersistence;
}

/** What every Verity service has: logs, metrics, health, Kafka and (optionally) its schema. */
@Module({})
export class PlatformModule {
  static forApp(options: PlatformOptions): DynamicModule {
    register.setDefaultLabels({ app: options.app });
    if (!register.getSingleMetric('process_cpu_seconds_total')) collectDefaultMetrics();
    return {
      module: PlatformModule,
      imports: [
        AppLoggerModule.forApp(options.app),
        KafkaModule.forRoot({ app: options.app }),
        ...(options.persistence ? [PersistenceModule.forApp(options.persistence)] : []),
      ],
      controllers: [HealthController, MetricsController],
      exports: [KafkaModule, ...(options.persistence ? [PersistenceModule] : [])],
    };
  }
}
