import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionDecidedV1,
  ActionExecuted,
  ActionRequested,
  ActorV1,
  AlertRaised,
  createEvent,
  digestOf,
  EventEnvelope,
  newId,
} from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { bootstrapService } from '@verity/platform';
import { actionRequestedEvent, testKafkaBrokers, TopicTap, useTestEnvironment, waitFor } from '@verity/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { POLICY_SERVICE, PolicyModule } from '../src/policy.module';

const actor: ActorV1 = {
  subject: 'alice',
  issuer: 'https://dev.verity.local',
  kind: 'agent',
  actingParties: [],
  groups: ['analysts'],
};

/** The rows budget: policy reads action.executed (group policy.budgets) and counts result.rowCount. */
describe('policy rows-returned budget', () => {
  let app: INestApplication;
  let kafka: Kafka;
  let tap: TopicTap;

  beforeAll(async () => {
    useTestEnvironment();
    process.env.POLICY_BUDGET_ROWS = '5';
    app = await bootstrapService(PolicyModule, { ...POLICY_SERVICE, port: 0 });
    kafka = new Kafka({
      clientId: `policy-rows-int-${process.pid}`,
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    tap = await TopicTap.open(kafka, [ActionDecided.topic, AlertRaised.topic]);
  });

  afterAll(async () => {
    await tap?.close();
    await app?.close();
    delete process.env.POLICY_BUDGET_ROWS;
  });

  async function decide(sessionId: string, sql = 'SELECT id FROM customers'): Promise<EventEnvelope<ActionDecidedV1>> {
    const request = actionRequestedEvent({ sessionId, actor, sql });
    await app.get(EventPublisher).publish(ActionRequested, request);
    const message = await tap.find(
      ActionDecided.topic,
      (m) => JSON.parse(m.value).causationid === request.id,
      `decision for ${request.actionid}`,
    );
    return JSON.parse(message.value) as EventEnvelope<ActionDecidedV1>;
  }

  /** What the gateway publishes after running the action and masking its result. */
  function executed(decided: EventEnvelope<ActionDecidedV1>, rowCount: number) {
    const rows = Array.from({ length: rowCount }, (_, i) => [i]);
    return createEvent(ActionExecuted, {
      source: '/verity/gateway',
      actionId: decided.actionid,
      sessionId: decided.sessionid,
      actor,
      causationId: decided.id,
      data: {
        payloadDigest: digestOf({ sql: 'SELECT id FROM customers' }),
        resultDigest: digestOf(rows),
        result: { columns: ['id'], rows, rowCount, truncated: false },
        masking: { profile: 'default', maskedValues: 0, fields: [] },
        durationMs: 1,
      },
    });
  }

  async function rowsOf(sessionId: string): Promise<number | undefined> {
    const found: { rows: number }[] = await app
      .get(DataSource)
      .query(`SELECT "rows" FROM "policy"."session_budgets" WHERE "session_id" = $1`, [sessionId]);
    return found[0]?.rows;
  }

  it('counts returned rows once per action, caps later actions to what is left, then denies and alerts once', async () => {
    const sessionId = `policy-rows-${newId()}`;
    const first = await decide(sessionId);
    expect(first.data).toMatchObject({ decision: 'allow', obligations: { rowLimit: 5 } });

    // Delivered twice (a redelivery): counted once.
    const ran = executed(first, 3);
    await app.get(EventPublisher).publish(ActionExecuted, ran);
    await app.get(EventPublisher).publish(ActionExecuted, ran);
    await waitFor(async () => (await rowsOf(sessionId)) === 3 || undefined, { what: '3 rows counted' });

    const second = await decide(sessionId);
    expect(second.data).toMatchObject({ decision: 'allow', obligations: { rowLimit: 2 } });
    await app.get(EventPublisher).publish(ActionExecuted, executed(second, 2));
    await waitFor(async () => (await rowsOf(sessionId)) === 5 || undefined, { what: '5 rows counted' });
    expect(await rowsOf(sessionId)).toBe(5);

    const third = await decide(sessionId);
    expect(third.data).toMatchObject({
      decision: 'deny',
      reasons: ['session budget exceeded: rows 5 >= 5', 'sql.read allowed by analysts-read'],
      policyIds: ['budget.rows', 'analysts-read'],
      obligations: {},
    });
    const alert = await tap.find(
      AlertRaised.topic,
      (m) => JSON.parse(m.value).actionid === third.actionid,
      'rows alert',
    );
    expect(JSON.parse(alert.value)).toMatchObject({
      sessionid: sessionId,
      causationid: expect.any(String),
      data: {
        kind: 'budget.exceeded',
        details: { budgets: ['rows'], limits: { rows: 5 }, used: { rows: 5 }, decision: 'deny' },
      },
    });

    const fourth = await decide(sessionId);
    expect(fourth.data).toMatchObject({ decision: 'deny', policyIds: ['budget.rows', 'analysts-read'] });
    // The decision record holds the alert the decision raised: none this time.
    const record: { alert: unknown }[] = await app
      .get(DataSource)
      .query(`SELECT "alert" FROM "policy"."decisions" WHERE "action_id" = $1`, [fourth.actionid]);
    expect(record).toEqual([{ alert: null }]);
    // Another session is not affected.
    expect((await decide(`policy-rows-${newId()}`)).data).toMatchObject({
      decision: 'allow',
      obligations: { rowLimit: 5 },
    });
  });

  it('ignores an executed action it never decided', async () => {
    const sessionId = `policy-rows-${newId()}`;
    const decided = await decide(sessionId);
    const stranger = executed({ ...decided, actionid: newId() }, 4);
    await app.get(EventPublisher).publish(ActionExecuted, stranger);
    // A known one after it on the same partition (same session key): once that is counted, the
    // stranger was handled (and not counted).
    await app.get(EventPublisher).publish(ActionExecuted, executed(decided, 1));
    await waitFor(async () => (await rowsOf(sessionId)) !== 0 || undefined, { what: 'rows counted' });
    expect(await rowsOf(sessionId)).toBe(1);
  });

  it('has migrations that match the entities exactly', async () => {
    const pending = await app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
