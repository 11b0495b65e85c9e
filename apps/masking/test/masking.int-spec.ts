import { INestApplication } from '@nestjs/common';
import {
  ActorV1,
  createEvent,
  deadLetterTopic,
  digestOf,
  EventEnvelope,
  newId,
  ResultCaptured,
  ResultMasked,
  ResultMaskedV1,
  ResultSetV1,
} from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { bootstrapService } from '@verity/platform';
import { testKafkaBrokers, TopicTap, useTestEnvironment, waitFor } from '@verity/testing';
import { Kafka, logLevel } from 'kafkajs';
import { AddressInfo } from 'node:net';
import { MASKING_SERVICE, MaskingModule } from '../src/masking.module';

const actor: ActorV1 = {
  subject: 'alice',
  issuer: 'https://dev.verity.local',
  kind: 'agent',
  actingParties: [],
  groups: ['analysts'],
};
const DLQ = deadLetterTopic(ResultCaptured.topic);

describe('masking service', () => {
  let app: INestApplication;
  let baseUrl: string;
  let tap: TopicTap;

  beforeAll(async () => {
    useTestEnvironment();
    app = await bootstrapService(MaskingModule, { ...MASKING_SERVICE, port: 0 });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const kafka = new Kafka({
      clientId: `masking-int-${process.pid}`,
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    tap = await TopicTap.open(kafka, [ResultMasked.topic, DLQ]);
  });

  afterAll(async () => {
    await tap?.close();
    await app?.close();
  });

  function resultCaptured(result: ResultSetV1, profile = 'default', sessionId = `masking-int-${newId()}`) {
    return createEvent(ResultCaptured, {
      source: '/verity/gateway',
      actionId: newId(),
      sessionId,
      actor,
      data: { profile, resultDigest: digestOf(result), result },
    });
  }

  async function maskedFor(captured: { id: string; actionid: string }): Promise<EventEnvelope<ResultMaskedV1>> {
    const message = await tap.find(
      ResultMasked.topic,
      (m) => JSON.parse(m.value).causationid === captured.id,
      `masked result for ${captured.actionid}`,
    );
    return JSON.parse(message.value) as EventEnvelope<ResultMaskedV1>;
  }

  it('is ready once its consumer has joined', async () => {
    await waitFor(async () => (await fetch(`${baseUrl}/health/ready`)).status === 200, { what: 'masking ready' });
  });

  it('masks e-mail addresses in text, JSON and JSON-in-text cells and reports counts only', async () => {
    const result: ResultSetV1 = {
      columns: ['id', 'email', 'profile', 'notes'],
      rows: [
        [1, 'alice@example.com', { contact: { email: 'alice@work.example' }, age: 41 }, 'prefers phone'],
        [2, 'bob@example.org', null, '{"cc": "carol@example.net"}'],
      ],
      rowCount: 2,
      truncated: false,
    };
    const captured = resultCaptured(result);
    await app.get(EventPublisher).publish(ResultCaptured, captured);
    const masked = await maskedFor(captured);
    expect(masked).toMatchObject({
      source: '/verity/masking',
      type: ResultMasked.type,
      actionid: captured.actionid,
      sessionid: captured.sessionid,
      causationid: captured.id,
      actor,
    });
    expect(masked.data).toEqual({
      resultDigest: captured.data.resultDigest,
      result: {
        columns: ['id', 'email', 'profile', 'notes'],
        rows: [
          [1, '[EMAIL]', { contact: { email: '[EMAIL]' }, age: 41 }, 'prefers phone'],
          [2, '[EMAIL]', null, '{"cc":"[EMAIL]"}'],
        ],
        rowCount: 2,
        truncated: false,
      },
      report: {
        profile: 'default',
        maskedValues: 4,
        fields: [
          { field: 'email', entities: { email: 2 } },
          { field: 'profile.contact.email', entities: { email: 1 } },
          { field: 'notes.cc', entities: { email: 1 } },
        ],
      },
    });
    expect(JSON.stringify(masked)).not.toMatch(/@example|@work/);
  });

  it('dead-letters a result with an unknown profile and goes on masking', async () => {
    const sessionId = `masking-int-${newId()}`; // one key, one partition: the valid one comes after
    const result: ResultSetV1 = { columns: ['email'], rows: [['eve@example.com']], rowCount: 1, truncated: false };
    const unknown = resultCaptured(result, 'no-such-profile', sessionId);
    const valid = resultCaptured(result, 'default', sessionId);
    await app.get(EventPublisher).publish(ResultCaptured, unknown);
    await app.get(EventPublisher).publish(ResultCaptured, valid);

    const letter = await tap.find(DLQ, (m) => m.headers['ce-id'] === unknown.id, 'dead letter for the unknown profile');
    expect(letter.headers['verity-dlq-code']).toBe('MASKING.PROFILE_NOT_FOUND');
    expect(letter.headers['verity-dlq-reason']).toBe('no masking profile named "no-such-profile"');
    expect((await maskedFor(valid)).data.result.rows).toEqual([['[EMAIL]']]);
    expect(tap.events(ResultMasked.topic, unknown.actionid)).toEqual([]);
  });
});
