import { INestApplication } from '@nestjs/common';
import {
  ActorV1,
  AlertRaised,
  createEvent,
  EventDefinition,
  EventEnvelope,
  ReviewApproved,
  ReviewApprovedV1,
  ReviewExpired,
  ReviewRejected,
  ReviewRequested,
  ReviewRequestedV1,
  ReviewVerdictRefused,
  ReviewVerdictRefusedV1,
  ReviewVerdictSubmitted,
  ReviewVerdict,
  newId,
  ActionRequested,
} from '@verity/contracts';
import { bootstrapService } from '@verity/platform';
import { actionRequestedEvent, testKafkaBrokers, TopicTap, useTestEnvironment, waitFor } from '@verity/testing';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { POLICY_SERVICE, PolicyModule } from '../src/policy.module';

const ISSUER = 'urn:verity:dev-issuer';
const person = (subject: string, groups: string[]): ActorV1 => ({
  subject,
  issuer: ISSUER,
  kind: 'human',
  actingParties: [],
  groups,
});
// An agent acting for alice, an analyst who is also an approver.
const requester: ActorV1 = {
  subject: 'alice',
  issuer: ISSUER,
  kind: 'agent',
  actingParties: [{ subject: 'agent:sql-helper', issuer: ISSUER }],
  groups: ['analysts', 'approvers'],
};
const bob = person('bob', ['approvers']);
const mallory = person('mallory', ['analysts']);

describe('policy review workflow', () => {
  let app: INestApplication;
  let kafka: Kafka;
  let producer: Producer;
  let tap: TopicTap;
  let hook: Server;
  const announcements: Array<{ text: string }> = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        announcements.push(JSON.parse(body) as { text: string });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    useTestEnvironment({
      POLICY_REVIEW_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/reviews`,
      POLICY_REVIEW_SWEEP_MS: '100',
    });
    app = await bootstrapService(PolicyModule, { ...POLICY_SERVICE, port: 0 });
    kafka = new Kafka({
      clientId: `reviews-int-${process.pid}`,
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
    tap = await TopicTap.open(kafka, [
      ReviewRequested.topic,
      ReviewApproved.topic,
      ReviewRejected.topic,
      ReviewExpired.topic,
      ReviewVerdictRefused.topic,
      AlertRaised.topic,
    ]);
  });

  afterAll(async () => {
    await tap?.close();
    await producer?.disconnect();
    await app?.close();
    await new Promise((resolve) => hook?.close(resolve));
    delete process.env.POLICY_REVIEW_WEBHOOK_URL;
    delete process.env.POLICY_REVIEW_SWEEP_MS;
  });

  async function send<T extends object>(def: EventDefinition<T>, event: EventEnvelope<T>): Promise<void> {
    await producer.send({ topic: def.topic, messages: [{ key: def.key(event), value: JSON.stringify(event) }] });
  }

  /** Sends a write by alice's agent and waits for the review policy holds it for. */
  async function heldWrite(): Promise<EventEnvelope<ReviewRequestedV1>> {
    const request = actionRequestedEvent({
      sessionId: `reviews-int-${newId()}`,
      actor: requester,
      sql: "UPDATE customers SET city = $1 WHERE id = $2 -- '4111 1111 1111 1111'",
      params: ['Porto', 7],
      agent: { step: 2, thought: 'the customer moved to Porto' },
    });
    await send(ActionRequested, request);
    const message = await tap.find(
      ReviewRequested.topic,
      (m) => JSON.parse(m.value).actionid === request.actionid,
      'review.requested',
    );
    return JSON.parse(message.value) as EventEnvelope<ReviewRequestedV1>;
  }

  async function verdict(
    review: EventEnvelope<ReviewRequestedV1>,
    reviewer: ActorV1,
    kind: ReviewVerdict,
    payloadDigest = review.data.payloadDigest,
  ) {
    const submitted = createEvent(ReviewVerdictSubmitted, {
      source: '/verity/gateway',
      actionId: review.actionid,
      sessionId: review.sessionid,
      actor: reviewer,
      causationId: review.id,
      data: { verdict: kind, comment: `${reviewer.subject} says ${kind}`, payloadDigest },
    });
    await send(ReviewVerdictSubmitted, submitted);
    return submitted;
  }

  /** The answer to a verdict: approved, rejected or refused. */
  async function answerTo(verdictId: string) {
    return tap.findEvent(
      [ReviewApproved.topic, ReviewRejected.topic, ReviewVerdictRefused.topic],
      (e) => e.causationid === verdictId,
      `answer to verdict ${verdictId}`,
    );
  }

  it('holds a write for review with what a reviewer needs, for 15 minutes, and announces it', async () => {
    const review = await heldWrite();
    expect(review.actor).toEqual(requester);
    expect(review.data).toMatchObject({
      connection: 'demo-db',
      operation: 'sql.query',
      payload: { sql: expect.stringContaining('UPDATE customers'), params: ['Porto', 7] },
      agent: { thought: 'the customer moved to Porto' },
      policyIds: ['analysts-write-review'],
      analysis: { tablesWritten: ['customers'] },
      requiredApprovals: 1,
      distinctGroups: false,
    });
    const ttl = Date.parse(review.data.expiresAt) - Date.parse(review.time);
    expect(ttl).toBeGreaterThan(14.9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000 + 1000);
    const announced = await waitFor(() => announcements.find((a) => a.text.includes(review.actionid)), {
      what: 'webhook announcement',
    });
    expect(announced.text).toContain('the customer moved to Porto');
    expect(announced.text).toContain('alice');
    // The payload stays out of the channel.
    expect(announced.text).not.toContain('4111');
    expect(announced.text).not.toContain("Porto',");
  });

  it('refuses self-approval (also by the agent that acted) and raises an alert; the review stays open', async () => {
    const review = await heldWrite();
    const self = await verdict(review, person('alice', ['approvers']), 'approve');
    const answer = await answerTo(self.id);
    expect(answer.topic).toBe(ReviewVerdictRefused.topic);
    expect((answer.event.data as unknown as ReviewVerdictRefusedV1).code).toBe('REVIEW.SELF_APPROVAL');
    const alert = await tap.findEvent([AlertRaised.topic], (e) => e.causationid === self.id, 'self-approval alert');
    expect(alert.event.data).toMatchObject({ kind: 'review.self_approval' });
    const byAgent = await verdict(review, { ...person('agent:sql-helper', ['approvers']), kind: 'agent' }, 'approve');
    expect(((await answerTo(byAgent.id)).event.data as unknown as ReviewVerdictRefusedV1).code).toBe(
      'REVIEW.SELF_APPROVAL',
    );
    // Still pending: another approver can approve it.
    const approved = await verdict(review, bob, 'approve');
    expect((await answerTo(approved.id)).topic).toBe(ReviewApproved.topic);
  });

  it('refuses a reviewer policy does not permit and a verdict on another payload', async () => {
    const review = await heldWrite();
    const notApprover = await verdict(review, mallory, 'approve');
    expect(((await answerTo(notApprover.id)).event.data as unknown as ReviewVerdictRefusedV1).code).toBe(
      'REVIEW.NOT_PERMITTED',
    );
    const otherPayload = await verdict(review, bob, 'approve', 'f'.repeat(64));
    expect(((await answerTo(otherPayload.id)).event.data as unknown as ReviewVerdictRefusedV1).code).toBe(
      'REVIEW.DIGEST_MISMATCH',
    );
  });

  it('approves once, bound to the digest; a redelivered verdict gets the same answer; later verdicts are refused', async () => {
    const review = await heldWrite();
    const submitted = await verdict(review, bob, 'approve');
    const first = await answerTo(submitted.id);
    expect(first.topic).toBe(ReviewApproved.topic);
    const approved = first.event.data as unknown as ReviewApprovedV1;
    expect(approved).toMatchObject({
      complete: true,
      requiredApprovals: 1,
      payloadDigest: review.data.payloadDigest,
      approvals: [{ subject: 'bob', issuer: ISSUER, comment: 'bob says approve' }],
    });
    expect(first.event.actor.subject).toBe('bob');

    // Kafka redelivers the same verdict: the same event (same id) answers it again.
    await send(ReviewVerdictSubmitted, submitted);
    await waitFor(() => tap.events(ReviewApproved.topic, review.actionid).length === 2, { what: 'the re-sent answer' });
    const ids = tap.events<{ id: string }>(ReviewApproved.topic, review.actionid).map((e) => e.id);
    expect(ids).toEqual([first.event.id, first.event.id]);

    const late = await verdict(review, person('carol', ['approvers']), 'reject');
    expect(((await answerTo(late.id)).event.data as unknown as ReviewVerdictRefusedV1).code).toBe('REVIEW.CLOSED');
  });

  it('records a rejection with the comment', async () => {
    const review = await heldWrite();
    const rejected = await verdict(review, bob, 'reject');
    const answer = await answerTo(rejected.id);
    expect(answer.topic).toBe(ReviewRejected.topic);
    expect(answer.event.data).toEqual({ comment: 'bob says reject', payloadDigest: review.data.payloadDigest });
  });

  it('expires a review past its time, once, and refuses verdicts after', async () => {
    const review = await heldWrite();
    // The review's time runs out (instead of waiting 15 minutes).
    await app
      .get(DataSource)
      .query(`UPDATE "policy"."reviews" SET "expires_at" = now() - interval '1 second' WHERE "action_id" = $1`, [
        review.actionid,
      ]);
    const expired = await tap.findEvent([ReviewExpired.topic], (e) => e.actionid === review.actionid, 'review.expired');
    expect(expired.event.actor).toEqual(requester);
    expect(expired.event.data).toMatchObject({ approvals: 0 });
    const late = await verdict(review, bob, 'approve');
    expect(((await answerTo(late.id)).event.data as unknown as ReviewVerdictRefusedV1).code).toBe('REVIEW.CLOSED');
    expect(tap.events(ReviewExpired.topic, review.actionid)).toHaveLength(1);
  });

  it('has migrations that match the entities exactly', async () => {
    const pending = await app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
