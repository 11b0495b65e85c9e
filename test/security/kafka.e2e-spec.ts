/**
 * Security catalogue, Kafka side: every topic a service consumes gets garbage bytes, JSON of
 * the wrong shape, envelopes of another version and envelopes with keys missing (fast-check
 * samples). Each consumer group that dead-letters must set every one aside on `<topic>.dlq`
 * with its reason, and the platform must then still run actions and reviews end to end.
 *
 * Every sample is one the contract refuses: breaking a valid envelope "one way" sometimes
 * yields a valid event (a random string in a free-text field, an optional key such as
 * `causationid` removed), which consumers rightly process instead of dead-lettering, so such
 * samples are filtered out with the contract's own validator (the contract is the oracle here,
 * the consumers are what is under test). Dead letters are matched to the messages sent by key
 * and value, not by a header of ours alone.
 */
import { deadLetterTopic, EVENT_REGISTRY, EventDefinition, newId, validateEvent } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, testKafkaBrokers, TopicTap, waitFor } from '@verity/testing';
import fc from 'fast-check';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const PER_TOPIC = Number(process.env.SECURITY_KAFKA_CASES ?? 200);

/**
 * How many consumer groups dead-letter each topic (read from the apps' consumers): the ledger
 * for every ledgered event, plus policy (decisions, reviews, rows), gateway (reviews,
 * ledger-index), audit (projections) and masking. The gateway's per-instance reply consumer
 * (action.decided, result.masked) skips invalid messages without a dead letter, since every
 * instance reads every reply; the journeys after the fuzzing show it kept going.
 */
const DEAD_LETTERING_GROUPS: Record<string, number> = {
  'gateway.action.requested.v1': 2,
  'policy.action.decided.v1': 1,
  'gateway.action.executed.v1': 2,
  'gateway.action.failed.v1': 1,
  'gateway.action.denied.v1': 1,
  'policy.alert.raised.v1': 1,
  'policy.review.requested.v1': 2,
  'gateway.review.verdict-submitted.v1': 2,
  'policy.review.approved.v1': 2,
  'policy.review.rejected.v1': 2,
  'policy.review.expired.v1': 2,
  'policy.review.verdict-refused.v1': 2,
  'gateway.result.captured.v1': 1,
  'masking.result.masked.v1': 0,
  'ledger.entry.appended.v1': 2,
  'audit.data.read.v1': 1,
};

/** A valid envelope of the topic's event, from the contract fixtures. */
function validFixture(type: string): Json {
  const dir = path.join(REPO_ROOT, 'libs/contracts/fixtures', type, 'valid');
  return JSON.parse(readFileSync(path.join(dir, readdirSync(dir).sort()[0]), 'utf8'));
}

/** Whether the topic's contract accepts the message (then it is not garbage). */
function contractAccepts(def: EventDefinition, value: Buffer | null): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return false;
  }
  return validateEvent(def, raw).ok;
}

/** Garbage for one topic: raw bytes, JSON of any shape, and the valid envelope broken one way. */
function garbage(def: EventDefinition): fc.Arbitrary<Buffer | null> {
  const type = def.type;
  const valid = validFixture(type);
  const broken = fc.oneof(
    fc.constant({ ...valid, type: type.replace(/v1$/, 'v2') }),
    fc.constant({ ...valid, specversion: '0.3' }),
    fc.constantFrom(...Object.keys(valid)).map((k) => {
      const copy = { ...valid };
      delete copy[k];
      return copy;
    }),
    fc.constantFrom(...Object.keys(valid.data ?? {})).map((k) => {
      const data = { ...valid.data };
      delete data[k];
      return { ...valid, data };
    }),
    fc
      .tuple(fc.constantFrom(...Object.keys(valid.data ?? { x: 1 })), fc.anything())
      .map(([k, v]) => ({ ...valid, data: { ...valid.data, [k]: v === undefined ? null : v } })),
    fc.jsonValue().map((data) => ({ ...valid, data })),
    fc.tuple(fc.string(), fc.jsonValue()).map(([k, v]) => ({ ...valid, [`x${k}`]: v })),
    fc.constantFrom('id', 'time', 'actionid', 'sessionid', 'source').map((k) => ({ ...valid, [k]: 42 })),
  );
  return fc
    .oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(s)),
      fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
      broken.map((v) => Buffer.from(JSON.stringify(v))),
      fc.constant(null),
      fc.constant(Buffer.from(`${JSON.stringify(valid)}}`)),
    )
    .filter((value) => !contractAccepts(def, value));
}

/** What identifies a sent message on its dead-letter topic: its key (or `unkeyed`) and its value. */
const identity = (key: string | null, value: string) => `${key ?? 'unkeyed'}\u0000${value}`;

describe('security catalogue: Kafka', () => {
  let platform: RunningPlatform;
  let kafka: Kafka;
  let producer: Producer;
  let tap: TopicTap;
  const run = newId();
  const session = `sec-kafka-${run}`;

  beforeAll(async () => {
    platform = await startPlatform();
    kafka = new Kafka({
      clientId: 'security-kafka',
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    tap = await TopicTap.open(
      kafka,
      EVENT_REGISTRY.map((d) => deadLetterTopic(d.topic)),
    );
    producer = kafka.producer();
    await producer.connect();
  }, 240_000);

  afterAll(async () => {
    await producer?.disconnect();
    await tap?.close();
    await platform?.stop();
  });

  it('covers every topic of the registry', () => {
    expect(Object.keys(DEAD_LETTERING_GROUPS).sort()).toEqual(EVENT_REGISTRY.map((d) => d.topic).sort());
  });

  it('dead-letters every malformed message on every consumed topic, with its reason', async () => {
    const sent = new Map<string, string[]>();
    for (const [i, def] of EVENT_REGISTRY.entries()) {
      const values = fc.sample(garbage(def), { numRuns: PER_TOPIC, seed: 8000 + i });
      // Some without a key: the dead letter must not depend on one.
      const messages = values.map((value, n) => ({
        key: n % 5 === 0 ? null : `sec-${run}-${i}-${n}`,
        value,
        headers: { 'x-security-run': run },
      }));
      sent.set(
        def.topic,
        messages.map((m) => identity(m.key, m.value?.toString() ?? '')),
      );
      await producer.send({ topic: def.topic, messages });
    }
    const expected = EVENT_REGISTRY.reduce((n, d) => n + PER_TOPIC * DEAD_LETTERING_GROUPS[d.topic], 0);
    // The tap opened after the platform started and before anything was sent: every dead letter it holds is ours.
    const letters = () => tap.all();
    await waitFor(() => letters().length >= expected, {
      timeoutMs: 120_000,
      what: `${expected} dead letters (have ${letters().length})`,
    });
    for (const def of EVENT_REGISTRY) {
      const onTopic = letters().filter((m) => m.topic === deadLetterTopic(def.topic));
      const want = new Map<string, number>();
      for (const id of DEAD_LETTERING_GROUPS[def.topic] > 0 ? (sent.get(def.topic) ?? []) : []) {
        want.set(id, (want.get(id) ?? 0) + DEAD_LETTERING_GROUPS[def.topic]);
      }
      const got = new Map<string, number>();
      for (const m of onTopic) got.set(identity(m.key, m.value), (got.get(identity(m.key, m.value)) ?? 0) + 1);
      expect([def.topic, Object.fromEntries(got)]).toEqual([def.topic, Object.fromEntries(want)]);
      for (const letter of onTopic) {
        expect(letter.headers['x-security-run']).toBe(run); // the original headers travel with it
        expect(['CONTRACT.INVALID_JSON', 'CONTRACT.INVALID_EVENT']).toContain(letter.headers['verity-dlq-code']);
        expect(letter.headers['verity-dlq-reason'].length).toBeGreaterThan(0);
        expect(letter.headers['verity-dlq-source']).toMatch(
          new RegExp(`^${def.topic.replace(/\./g, '\\.')}/\\d+/\\d+$`),
        );
      }
    }
    for (const [app, lines] of Object.entries(platform.output)) {
      expect([app, lines.join('')]).not.toEqual([app, expect.stringMatching(/unhandled|uncaught|FATAL/i)]);
    }
  }, 180_000);

  it('then still runs an action and a review end to end, through every consumer', async () => {
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    const analyst = await issuer.mint({ sub: `alice-${run}`, groups: ['analysts'] });
    const approver = await issuer.mint({ sub: `bob-${run}`, groups: ['approvers'] });
    const compliance = await issuer.mint({ sub: `carl-${run}`, groups: ['compliance'] });
    const call = async (base: string, method: string, p: string, token: string, body?: object) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const act = (sql: string) =>
      call(platform.url.gateway, 'POST', '/v1/actions', analyst, {
        connection: 'demo-db',
        operation: 'sql.query',
        input: { sql },
        sessionId: session,
      });
    // action.requested → policy, action.decided → gateway, result.captured → masking,
    // result.masked → gateway, action.executed → ledger and policy, ledger.appended → audit.
    const read = await act('SELECT email FROM customers ORDER BY id LIMIT 1');
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain('[EMAIL]');
    await waitFor(
      async () =>
        (await call(platform.url.audit, 'GET', `/v1/audit/actions/${read.body.actionId}`, compliance)).status === 200,
      { what: 'the action in the audit view' },
    );
    // review.requested → gateway, verdict-submitted → policy, review.rejected → gateway.
    const held = await act("UPDATE customers SET notes = 'x' WHERE id = -1");
    expect(held.status).toBe(202);
    await waitFor(
      async () =>
        (await call(platform.url.gateway, 'GET', `/v1/reviews/${held.body.actionId}`, approver)).status === 200,
      { what: 'the review to open' },
    );
    const rejected = await call(platform.url.gateway, 'POST', `/v1/reviews/${held.body.actionId}/reject`, approver, {
      comment: 'not after fuzzing',
    });
    expect(rejected.status).toBe(200);
    for (const app of ['gateway', 'audit', 'ledger', 'policy', 'masking'] as const) {
      expect((await fetch(`${platform.url[app]}/health/ready`)).status).toBe(200);
    }
  }, 90_000);
});
