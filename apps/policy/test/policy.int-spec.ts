import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionDecidedV1,
  ActionRequested,
  AlertRaised,
  ActorV1,
  deadLetterTopic,
  EventEnvelope,
  newId,
} from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { bootstrapService } from '@verity/platform';
import { DataSource } from 'typeorm';
import { actionRequestedEvent, testKafkaBrokers, TopicTap, useTestEnvironment, waitFor } from '@verity/testing';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { POLICY_SERVICE, PolicyModule } from '../src/policy.module';

const actor: ActorV1 = {
  subject: 'alice',
  issuer: 'https://dev.verity.local',
  kind: 'agent',
  actingParties: [],
  groups: ['analysts'],
};
const DLQ = deadLetterTopic(ActionRequested.topic);

describe('policy service', () => {
  let app: INestApplication;
  let baseUrl: string;
  let kafka: Kafka;
  let producer: Producer;
  let tap: TopicTap;

  // A copy of the default bundle, so the reload test can change it.
  const bundleDir = mkdtempSync(path.join(tmpdir(), 'verity-policies-'));

  beforeAll(async () => {
    useTestEnvironment();
    cpSync(path.resolve(__dirname, '../../../deploy/policies'), bundleDir, { recursive: true });
    process.env.VERITY_POLICY_DIR = bundleDir;
    process.env.POLICY_RELOAD_MS = '100';
    process.env.POLICY_BUDGET_ACTIONS = '3';
    app = await bootstrapService(PolicyModule, { ...POLICY_SERVICE, port: 0 });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    kafka = new Kafka({
      clientId: `policy-int-${process.pid}`,
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
    tap = await TopicTap.open(kafka, [ActionDecided.topic, AlertRaised.topic, DLQ]);
  });

  afterAll(async () => {
    await tap?.close();
    await producer?.disconnect();
    await app?.close();
    delete process.env.VERITY_POLICY_DIR;
    delete process.env.POLICY_RELOAD_MS;
    delete process.env.POLICY_BUDGET_ACTIONS;
    rmSync(bundleDir, { recursive: true, force: true });
  });

  function actionRequested(sql: string, sessionId = `policy-int-${newId()}`) {
    return actionRequestedEvent({ sessionId, actor, sql, params: [42], agent: { step: 1, thought: 'test' } });
  }

  async function decisionFor(request: { id: string; actionid: string }): Promise<EventEnvelope<ActionDecidedV1>> {
    const message = await tap.find(
      ActionDecided.topic,
      (m) => JSON.parse(m.value).causationid === request.id,
      `decision for ${request.actionid}`,
    );
    return JSON.parse(message.value) as EventEnvelope<ActionDecidedV1>;
  }

  it('is ready once its consumer has joined, and serves metrics', async () => {
    await waitFor(async () => (await fetch(`${baseUrl}/health/ready`)).status === 200, { what: 'policy ready' });
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toContain('verity_kafka_consume_seconds');
  });

  it('allows a SELECT, echoing the request identity', async () => {
    const request = actionRequested('SELECT id, email FROM customers WHERE id = $1');
    await app.get(EventPublisher).publish(ActionRequested, request);
    const decided = await decisionFor(request);
    expect(decided).toMatchObject({
      source: '/verity/policy',
      type: ActionDecided.type,
      actionid: request.actionid,
      sessionid: request.sessionid,
      causationid: request.id,
      actor,
      data: {
        decision: 'allow',
        policyIds: ['analysts-read'],
        obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: true },
        analysis: { statementKinds: ['SelectStmt'], tablesRead: ['customers'], tablesWritten: [], readOnly: true },
      },
    });
    expect(decided.data.bundleRevision).toMatch(/^[0-9a-f]{16}$/);
    expect(tap.events(ActionDecided.topic, request.actionid)).toHaveLength(1);
  });

  it('denies a DELETE without WHERE and says why', async () => {
    const request = actionRequested('DELETE FROM customers');
    await app.get(EventPublisher).publish(ActionRequested, request);
    const decided = await decisionFor(request);
    expect(decided.data).toMatchObject({
      decision: 'deny',
      reasons: [
        'sql.write forbidden by no-delete-without-where (DELETE without WHERE removes every row); found DeleteStmt with no WHERE on customers',
      ],
      policyIds: ['no-delete-without-where'],
      obligations: {},
      analysis: { statementKinds: ['DeleteStmt'], tablesWritten: ['customers'], readOnly: false },
    });
  });

  it('sends a DELETE with WHERE to review', async () => {
    const request = actionRequested('DELETE FROM customers WHERE id = $1');
    await app.get(EventPublisher).publish(ActionRequested, request);
    const decided = await decisionFor(request);
    expect(decided.data).toMatchObject({ decision: 'review', policyIds: ['analysts-write-review'] });
  });

  it('reloads the bundle when its files change, and keeps the last good one when a file is bad', async () => {
    const first = actionRequested('SELECT 1');
    await app.get(EventPublisher).publish(ActionRequested, first);
    const before = (await decisionFor(first)).data.bundleRevision;

    writeFileSync(
      path.join(bundleDir, '90-broken.cedar'),
      'permit(principal, action, resource)\nwhen { context.nope };',
    );
    const meanwhile = actionRequested('SELECT 1');
    await app.get(EventPublisher).publish(ActionRequested, meanwhile);
    expect((await decisionFor(meanwhile)).data).toMatchObject({ decision: 'allow', bundleRevision: before });

    writeFileSync(
      path.join(bundleDir, '90-broken.cedar'),
      '@id("no-probe") forbid(principal, action == Action::"sql.read", resource) when { context.sql.tablesRead.contains("probe") };',
    );
    const after = await waitFor(
      async () => {
        const probe = actionRequested('SELECT * FROM probe');
        await app.get(EventPublisher).publish(ActionRequested, probe);
        const decided = (await decisionFor(probe)).data;
        return decided.bundleRevision !== before ? decided : undefined;
      },
      { what: 'a decision under the reloaded bundle' },
    );
    expect(after).toMatchObject({ decision: 'deny', policyIds: ['no-probe'] });
  });

  it('denies the action that crosses the session budget, raises an alert, and decides a redelivery the same', async () => {
    const sessionId = `policy-int-${newId()}`;
    const requests = Array.from({ length: 4 }, () => actionRequested('SELECT 1', sessionId));
    for (const request of requests) await app.get(EventPublisher).publish(ActionRequested, request);
    const decided = await Promise.all(requests.map((r) => decisionFor(r)));
    expect(decided.map((d) => d.data.decision)).toEqual(['allow', 'allow', 'allow', 'deny']);
    expect(decided[3].data).toMatchObject({
      reasons: ['session budget exceeded: actions 4 > 3', 'sql.read allowed by analysts-read'],
      policyIds: ['budget.actions', 'analysts-read'],
    });
    const alert = await tap.find(
      AlertRaised.topic,
      (m) => JSON.parse(m.value).actionid === requests[3].actionid,
      'budget alert',
    );
    expect(JSON.parse(alert.value)).toMatchObject({
      type: AlertRaised.type,
      sessionid: sessionId,
      causationid: requests[3].id,
      data: { kind: 'budget.exceeded', details: { budgets: ['actions'], used: { actions: 4 } } },
    });

    // The same request again (a redelivery): the same decision, not counted again.
    await app.get(EventPublisher).publish(ActionRequested, requests[1]);
    await waitFor(() => tap.events(ActionDecided.topic, requests[1].actionid).length === 2 || undefined, {
      what: 'the redelivered decision',
    });
    const [first, again] = tap.events<{ data: ActionDecidedV1 }>(ActionDecided.topic, requests[1].actionid);
    expect(again.data).toEqual(first.data);
  });

  it('denies SQL that does not parse with the parser message', async () => {
    const request = actionRequested('DROP EVERYTHING NOW');
    await app.get(EventPublisher).publish(ActionRequested, request);
    const decided = await decisionFor(request);
    expect(decided.data.decision).toBe('deny');
    expect(decided.data.reasons).toEqual(['SQL does not parse: syntax error at or near "EVERYTHING"']);
    expect(decided.data.analysis).toBeUndefined();
  });

  it('dead-letters malformed messages and keeps deciding the ones after them', async () => {
    const sessionId = `policy-int-${newId()}`; // one key: same partition, so the valid one comes after the bad ones
    const invalid = { ...actionRequested('SELECT 1', sessionId), actor: { subject: 'no issuer' } };
    await producer.send({
      topic: ActionRequested.topic,
      messages: [
        { key: sessionId, value: '{"this is": not json', headers: { marker: 'bad-json' } },
        { key: sessionId, value: JSON.stringify(invalid), headers: { marker: 'bad-envelope' } },
      ],
    });
    const valid = actionRequested('SELECT 2', sessionId);
    await app.get(EventPublisher).publish(ActionRequested, valid);

    const badJson = await tap.find(
      DLQ,
      (m) => m.key === sessionId && m.headers.marker === 'bad-json',
      'dead letter for bad JSON',
    );
    expect(badJson.headers['verity-dlq-code']).toBe('CONTRACT.INVALID_JSON');
    expect(badJson.value).toBe('{"this is": not json');
    const badEnvelope = await tap.find(
      DLQ,
      (m) => m.key === sessionId && m.headers.marker === 'bad-envelope',
      'dead letter for bad envelope',
    );
    expect(badEnvelope.headers['verity-dlq-code']).toBe('CONTRACT.INVALID_EVENT');
    expect(badEnvelope.headers['verity-dlq-reason']).toMatch(/actor\.issuer/);

    expect((await decisionFor(valid)).data.decision).toBe('allow');
    expect(tap.events(ActionDecided.topic, invalid.actionid)).toEqual([]);
  });

  it('has migrations that match the entities exactly', async () => {
    const pending = await app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
