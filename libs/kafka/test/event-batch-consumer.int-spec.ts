import { ActionDenied, createEvent, deadLetterTopic, EventEnvelope, newId } from '@verity/contracts';
import { TopicTap, testKafkaBrokers, waitFor } from '@verity/testing';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { EventBatch, EventBatchConsumer, EventPublisher, StoredOffset } from '../src';

const actor = { subject: 'probe', issuer: 'urn:test', kind: 'service' as const, actingParties: [], groups: [] };

describe('EventBatchConsumer against the real broker', () => {
  const session = `batch-int-${newId()}`;
  let kafka: Kafka;
  let producer: Producer;
  let publisher: EventPublisher;
  let consumer: EventBatchConsumer;
  let tap: TopicTap;
  const handled: Array<{ offset: string; id: string }> = [];
  const nextOffsets: string[] = [];
  let attempts = 0;
  let starts: StoredOffset[] = [];

  const denied = (reason: string): EventEnvelope<object> =>
    createEvent(ActionDenied, {
      source: '/verity/gateway',
      actionId: newId(),
      sessionId: session,
      actor,
      data: { reasons: [reason], policyIds: [] },
    });

  beforeAll(async () => {
    kafka = new Kafka({ clientId: 'batch-test', brokers: testKafkaBrokers().split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    publisher = new EventPublisher(kafka);
    tap = await TopicTap.open(kafka, [deadLetterTopic(ActionDenied.topic)]);
    // Start where the topic ends now, as offsets stored by the handler's side would say.
    const admin = kafka.admin();
    await admin.connect();
    starts = (await admin.fetchTopicOffsets(ActionDenied.topic)).map(({ partition, high }) => ({
      topic: ActionDenied.topic,
      partition,
      offset: high,
    }));
    await admin.disconnect();
    consumer = new EventBatchConsumer({
      kafka,
      publisher,
      groupId: `test.batch.${newId()}`,
      definitions: [ActionDenied],
      storedOffsets: async (assigned) =>
        starts.filter((s) => assigned.some((a) => a.topic === s.topic && a.partition === s.partition)),
      handle: async (batch: EventBatch) => {
        const mine = batch.events.filter((e) => e.event.sessionid === session);
        if (mine.length === 0) return;
        attempts += 1;
        if (attempts === 1) throw new Error('database briefly away'); // retried, not dead-lettered
        handled.push(...mine.map((e) => ({ offset: e.offset, id: e.event.id })));
        nextOffsets.push(batch.nextOffset);
      },
    });
    await consumer.start();
    await waitFor(() => consumer.isReady(), { what: 'the batch consumer to join its group' });
  });

  afterAll(async () => {
    await consumer?.stop();
    await tap?.close();
    await producer?.disconnect();
    await publisher?.onApplicationShutdown();
  });

  it('hands valid events over in batches, dead-letters invalid ones without stopping, retries a failed batch', async () => {
    const first = denied('first');
    const last = denied('last');
    await producer.send({
      topic: ActionDenied.topic,
      messages: [
        { key: session, value: JSON.stringify(first) },
        { key: session, value: '{"not json' },
        { key: session, value: JSON.stringify({ ...denied('broken'), data: { reasons: 'not a list' } }) },
        { key: session, value: JSON.stringify(last) },
      ],
    });

    await waitFor(() => handled.some((h) => h.id === last.id), { what: 'the last valid event to be handled' });
    expect(handled.map((h) => h.id)).toEqual([first.id, last.id]);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(BigInt(nextOffsets[nextOffsets.length - 1])).toBe(BigInt(handled[1].offset) + 1n);

    const dlq = deadLetterTopic(ActionDenied.topic);
    const byCode = (code: string) =>
      tap.find(dlq, (m) => m.key === session && m.headers['verity-dlq-code'] === code, `a ${code} dead letter`);
    const notJson = await byCode('CONTRACT.INVALID_JSON');
    expect(notJson.value).toBe('{"not json');
    expect(notJson.headers['verity-dlq-source']).toMatch(new RegExp(`^${ActionDenied.topic}/\\d+/\\d+$`));
    const invalid = await byCode('CONTRACT.INVALID_EVENT');
    expect(invalid.headers['verity-dlq-reason']).toContain('reasons');
  });
});
