import { Inject, Injectable, Logger } from '@nestjs/common';
import { deadLetterTopic, EVENT_REGISTRY } from '@verity/contracts';
import { Kafka, ITopicConfig } from 'kafkajs';
import { KAFKA_CLIENT } from './kafka.tokens';

/** Creates every registered topic and its dead-letter topic when missing (idempotent). */
@Injectable()
export class TopicAdmin {
  private readonly logger = new Logger(TopicAdmin.name);

  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: Kafka) {}

  async ensureTopics(partitions: number): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted: ITopicConfig[] = EVENT_REGISTRY.flatMap((def) => {
        const retention = def.retentionMs ? [{ name: 'retention.ms', value: String(def.retentionMs) }] : [];
        return [
          {
            topic: def.topic,
            numPartitions: partitions,
            replicationFactor: 1,
            configEntries: retention,
          },
          {
            topic: deadLetterTopic(def.topic),
            numPartitions: 1,
            replicationFactor: 1,
          },
        ];
      }).filter((t) => !existing.has(t.topic));
      if (wanted.length > 0) {
        // Another service may create the same topics at the same moment; that is fine.
        await admin.createTopics({ topics: wanted, waitForLeaders: true }).catch((err: Error) => {
          if (!/already exists/i.test(err.message)) throw err;
        });
        this.logger.log({ topics: wanted.map((t) => t.topic), partitions }, 'created topics');
      }
      return wanted.map((t) => t.topic);
    } finally {
      await admin.disconnect();
    }
  }
}
