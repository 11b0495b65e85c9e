import { Controller, INestApplication, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ActionDenied,
  ActionDeniedV1,
  createEvent,
  deadLetterTopic,
  DomainError,
  EventEnvelope,
  newId,
} from '@verity/contracts';
import { bootstrapService, PlatformModule } from '@verity/platform';
import { testKafkaBrokers, useTestEnvironment, waitFor } from '@verity/testing';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { ConsumeEvent, EventPublisher, KafkaServers } from '../src';

const seen: EventEnvelope<ActionDeniedV1>[] = [];

@Controller()
class ProbeConsumer {
  @ConsumeEvent(ActionDenied)
  handle(@Payload() event: EventEnvelope<ActionDeniedV1>): void {
    if (event.data.reasons.includes('reject me')) throw new DomainError('PROBE.REJECTED', 'probe refuses this one');
    seen.push(event);
  }
}

@Module({ imports: [PlatformModule.forApp({ app: 'probe' })], controllers: [ProbeConsumer] })
class ProbeModule {}

const actor = { subject: 'probe', issuer: 'urn:test', kind: 'service' as const, actingParties: [], groups: [] };

describe('KafkaEventServer against the real broker', () => {
  const session = `kafka-int-${newId()}`;
  let app: INestApplication;
  let kafka: Kafka;
  let producer: Producer;
  let dlq: Consumer;
  const dead: { value: string; code: string; source: string }[] = [];

  const denied = (reason: string) =>
    createEvent(ActionDenied, {
      source: '/verity/gateway',
      actionId: newId(),
      sessionId: session,
      actor,
      data: { reasons: [reason], policyIds: [] },
    });

  beforeAll(async () => {
    useTestEnvironment();
    app = await bootstrapService(ProbeModule, {
      app: 'probe',
      port: 0,
      consumers: [{ groupId: `test.probe.${newId()}`, fromBeginning: false }],
    });
    await waitFor(() => app.get(KafkaServers).isReady(), { what: 'probe consumer to join its group' });
    kafka = new Kafka({ clientId: 'probe-test', brokers: testKafkaBrokers().split(','), logLevel: 0 });
    producer = kafka.producer();
    await producer.connect();
    dlq = kafka.consumer({ groupId: `test.probe-dlq.${newId()}`, maxWaitTimeInMs: 100 });
    await dlq.connect();
    await dlq.subscribe({ topic: deadLetterTopic(ActionDenied.topic), fromBeginning: false });
    let joined = false;
    dlq.on(dlq.events.GROUP_JOIN, () => (joined = true));
    await dlq.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== session) return;
        dead.push({
          value: message.value?.toString() ?? '',
          code: message.headers?.['verity-dlq-code']?.toString() ?? '',
          source: message.headers?.['verity-dlq-source']?.toString() ?? '',
        });
      },
    });
    await waitFor(() => joined, { what: 'dead-letter reader to join' });
  });

  afterAll(async () => {
    await dlq?.disconnect();
    await producer?.disconnect();
    await app?.close();
  });

  it('hands a valid event to its handler as a typed envelope', async () => {
    const event = denied('first');
    await app.get(EventPublisher).publish(ActionDenied, event);
    const got = await waitFor(() => seen.find((e) => e.id === event.id), { what: 'the event at the handler' });
    expect(got.data).toEqual({ reasons: ['first'], policyIds: [] });
  });

  it('dead-letters malformed and invalid messages with a reason, then keeps consuming', async () => {
    await producer.send({
      topic: ActionDenied.topic,
      messages: [
        { key: session, value: '{not json' },
        { key: session, value: JSON.stringify({ ...denied('x'), data: { reasons: 'not-a-list' } }) },
      ],
    });
    const after = denied('after the bad ones');
    await app.get(EventPublisher).publish(ActionDenied, after);

    await waitFor(() => dead.length >= 2, { what: 'two dead letters' });
    expect(dead.map((d) => d.code)).toEqual(['CONTRACT.INVALID_JSON', 'CONTRACT.INVALID_EVENT']);
    expect(dead[0].value).toBe('{not json');
    expect(dead[0].source).toMatch(new RegExp(`^${ActionDenied.topic.replace(/\./g, '\\.')}/\\d+/\\d+$`));
    await waitFor(() => seen.find((e) => e.id === after.id), { what: 'the valid event after the bad ones' });
  });

  it('dead-letters an event whose handler raises a domain error', async () => {
    const event = denied('reject me');
    await app.get(EventPublisher).publish(ActionDenied, event);
    const letter = await waitFor(() => dead.find((d) => d.value.includes(event.id)), {
      what: 'the rejected event on the DLQ',
    });
    expect(letter.code).toBe('PROBE.REJECTED');
  });

  it('refuses to publish an event that breaks its contract', async () => {
    const bad = { ...denied('x'), sessionid: '' };
    await expect(app.get(EventPublisher).publish(ActionDenied, bad)).rejects.toMatchObject({
      code: 'CONTRACT.INVALID_EVENT',
    });
  });
});
