import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionDecidedV1,
  ActionRequested,
  ActorV1,
  createEvent,
  digestOf,
  EventEnvelope,
  HttpPayloadV1,
  newId,
} from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { bootstrapService } from '@verity/platform';
import { testKafkaBrokers, TopicTap, useTestEnvironment } from '@verity/testing';
import { Kafka, logLevel } from 'kafkajs';
import { POLICY_SERVICE, PolicyModule } from '../src/policy.module';

const actor: ActorV1 = {
  subject: 'alice',
  issuer: 'https://dev.verity.local',
  kind: 'agent',
  actingParties: [{ subject: 'agent:http-helper' }],
  groups: ['analysts'],
};

/** http.request intents over the real broker, decided with the default bundle. */
describe('policy http.request decisions', () => {
  let app: INestApplication;
  let tap: TopicTap;

  beforeAll(async () => {
    useTestEnvironment();
    app = await bootstrapService(PolicyModule, { ...POLICY_SERVICE, port: 0 });
    const kafka = new Kafka({
      clientId: `policy-http-int-${process.pid}`,
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    tap = await TopicTap.open(kafka, [ActionDecided.topic]);
  });

  afterAll(async () => {
    await tap?.close();
    await app?.close();
  });

  async function decide(payload: HttpPayloadV1, connection = 'demo-db'): Promise<ActionDecidedV1> {
    const request = createEvent(ActionRequested, {
      source: '/verity/gateway',
      actionId: newId(),
      sessionId: `policy-http-${newId()}`,
      actor,
      data: { connection, operation: 'http.request', payload, payloadDigest: digestOf(payload), agent: {} },
    });
    await app.get(EventPublisher).publish(ActionRequested, request);
    const message = await tap.find(
      ActionDecided.topic,
      (m) => JSON.parse(m.value).causationid === request.id,
      `decision for ${request.actionid}`,
    );
    return (JSON.parse(message.value) as EventEnvelope<ActionDecidedV1>).data;
  }

  it('allows a GET, sends a POST to review, and denies an unknown connection', async () => {
    expect(await decide({ method: 'GET', path: '/v1/orders', query: { page: '2' } })).toMatchObject({
      decision: 'allow',
      policyIds: ['analysts-http-read'],
      obligations: { readOnly: true },
    });
    const post = await decide({ method: 'POST', path: '/v1/refunds', body: { order: 42 } });
    expect(post).toMatchObject({
      decision: 'review',
      policyIds: ['analysts-http-write-review'],
      obligations: { readOnly: false },
    });
    expect(post.reasons[0]).toMatch(/request POST \/v1\/refunds$/);
    expect(await decide({ method: 'HEAD', path: '/' }, 'nowhere')).toMatchObject({
      decision: 'deny',
      policyIds: ['known-connections-only'],
    });
  });

  it('keeps header and query values out of the decision', async () => {
    const decided = await decide({
      method: 'DELETE',
      path: '/v1/items/7',
      query: { reason: 'query-value-marker' },
      headers: { 'x-request-note': 'header-value-marker' },
    });
    expect(decided.decision).toBe('review');
    expect(JSON.stringify(decided)).not.toMatch(/value-marker/);
  });
});
