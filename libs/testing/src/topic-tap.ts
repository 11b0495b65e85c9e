import { EventEnvelope, newId } from '@verity/contracts';
import { waitFor } from './wait-for';
import { Consumer, Kafka } from 'kafkajs';

export interface TappedMessage {
  topic: string;
  partition: number;
  key: string | null;
  headers: Record<string, string>;
  value: string;
}

/**
 * Reads topics from the end they had when the tap opened, in a group of its own, so a test
 * sees only messages produced after it started and never disturbs the app's consumer groups.
 */
export class TopicTap {
  private readonly messages: TappedMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async open(kafka: Kafka, topics: string[]): Promise<TopicTap> {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await Promise.all(
      topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `test-tap-${newId()}`, maxWaitTimeInMs: 100 });
    const tap = new TopicTap(consumer);
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        tap.messages.push({
          topic,
          partition,
          key: message.key?.toString() ?? null,
          headers,
          value: message.value?.toString() ?? '',
        });
      },
    });
    for (const { topic, offsets } of ends) {
      for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });
    }
    await waitFor(() => joined, { what: 'topic tap to join its group' });
    return tap;
  }

  /** Every message seen so far on `topic` that matches (no waiting). */
  seen(topic: string, match: (message: TappedMessage) => boolean = () => true): TappedMessage[] {
    return this.messages.filter((m) => m.topic === topic && match(m));
  }

  /** Waits for the first message on `topic` that matches. */
  find(topic: string, match: (message: TappedMessage) => boolean, what: string): Promise<TappedMessage> {
    return waitFor(() => this.messages.find((m) => m.topic === topic && match(m)), { timeoutMs: 20_000, what });
  }

  /** Waits for the first envelope on any of `topics` that matches; says which topic it came on. */
  findEvent<T = Record<string, unknown>>(
    topics: string[],
    match: (event: EventEnvelope<T>) => boolean,
    what: string,
  ): Promise<{ topic: string; event: EventEnvelope<T> }> {
    return waitFor(
      () =>
        this.messages
          .filter((m) => topics.includes(m.topic))
          .map((m) => ({ topic: m.topic, event: JSON.parse(m.value) as EventEnvelope<T> }))
          .find(({ event }) => match(event)),
      { timeoutMs: 20_000, what },
    );
  }

  /** The envelopes on `topic` whose `actionid` is `actionId`. */
  events<T = Record<string, unknown>>(topic: string, actionId: string): T[] {
    return this.messages
      .filter((m) => m.topic === topic)
      .map((m) => JSON.parse(m.value) as T & { actionid?: string })
      .filter((e) => e.actionid === actionId);
  }

  /** Every message tapped so far, on every topic. */
  all(): readonly TappedMessage[] {
    return this.messages;
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}
