import { Injectable } from '@nestjs/common';
import { Counter, Histogram, register } from 'prom-client';

function once<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** Consumer metrics, registered once in the process's default Prometheus registry. */
@Injectable()
export class KafkaMetrics {
  readonly consumeDuration = once(
    'verity_kafka_consume_seconds',
    () =>
      new Histogram({
        name: 'verity_kafka_consume_seconds',
        help: 'Time to validate and handle one consumed message',
        labelNames: ['topic', 'group', 'outcome'],
        buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      }),
  );
  readonly deadLettered = once(
    'verity_kafka_dead_lettered_total',
    () =>
      new Counter({
        name: 'verity_kafka_dead_lettered_total',
        help: 'Messages sent to a dead-letter topic (or skipped), by source topic and code',
        labelNames: ['topic', 'code'],
      }),
  );
}
