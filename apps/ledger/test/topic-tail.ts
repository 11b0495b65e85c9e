import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { newId } from '@verity/contracts';
import { testKafkaBrokers, waitFor } from '@verity/testing';

export interface TailedMessage {
  topic: string;
  key: string | null;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

function decode(topic: string, message: KafkaMessage): TailedMessage {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return { topic, key: message.key?.toString() ?? null, value: JSON.parse(message.value?.toString() ?? 'null'), headers };
}

/**
 * Collects every message written to `topics` after `start()` returns: a throwaway consumer
 * group positioned at the topics' current end offsets, so nothing earlier is read and
 * nothing later is missed.
 */
export class TopicTail {
  readonly messages: TailedMessage[] = [];
  private readonly kafka = new Kafka({ clientId: `ledger-test-${process.pid}`, brokers: testKafkaBrokers().split(','), logLevel: logLevel.WARN });
  private consumer: Consumer | undefined;

  constructor(private readonly topics: string[]) {}

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await Promise.all(this.topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })));
    await admin.disconnect();
    const consumer = this.kafka.consumer({ groupId: `ledger-test-tail-${newId()}`, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: false });
    await consumer.run({ eachMessage: async ({ topic, message }) => void this.messages.push(decode(topic, message)) });
    for (const { topic, offsets } of ends) {
      for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });
    }
    await waitFor(() => joined, { what: 'tail consumer to join its group' });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
