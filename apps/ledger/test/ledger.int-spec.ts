import { createHash } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionExecuted,
  ActionRequested,
  ActorV1,
  AlertRaised,
  canonicalJson,
  createEvent,
  deadLetterTopic,
  EventEnvelope,
  LedgerAppended,
  newId,
} from '@verity/contracts';
import { EventPublisher, KAFKA_CLIENT } from '@verity/kafka';
import { bootstrapService } from '@verity/platform';
import { actionRequestedEvent, TopicTap, useTestEnvironment, waitFor } from '@verity/testing';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EntriesConsumer } from '../src/entries/entries.consumer';
import { LEDGER_APP, LedgerModule } from '../src/ledger.module';
import { LedgerConfig } from '../src/config/ledger.config';
import { EntriesService } from '../src/entries/entries.service';

interface EntryView {
  origin: string;
  index: number;
  leafHash: string;
  entry: { eventId: string; sessionSeq: number; payloadSha256: string; payloadSize: number } & Record<string, unknown>;
  event: { id: string; type: string };
}

const actor: ActorV1 = {
  subject: 'ledger-test',
  issuer: 'urn:test',
  kind: 'agent',
  actingParties: [{ subject: 'agent:test' }],
  groups: ['analysts'],
};

/** What the ledger must commit to for an event: RFC 6962 leaf over the canonical entry. */
function expectedLeaf(entry: object): string {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from([0x00]), Buffer.from(canonicalJson(entry), 'utf8')]))
    .digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

jest.setTimeout(120_000);

describe('ledger (real Kafka + PostgreSQL)', () => {
  let app: INestApplication;
  let base: string;
  let publisher: EventPublisher;
  let db: DataSource;
  const requestedTopic = ActionRequested.topic;
  let tap: TopicTap;

  const sessionId = `ledger-test-${newId()}`;
  const actionId = newId();
  const requested = actionRequestedEvent({
    actionId,
    sessionId,
    actor,
    connection: 'ledger-test-db',
    payloadDigest: 'b'.repeat(64),
    agent: { step: 1, thought: 'checking the ledger ✓' },
  });
  const decided = createEvent(ActionDecided, {
    source: '/verity/policy',
    actionId,
    sessionId,
    actor,
    causationId: requested.id,
    data: { decision: 'allow', reasons: ['test'], policyIds: ['p1'], bundleRevision: 'r1', obligations: {} },
  });

  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const entriesOf = async (id: string): Promise<EntryView[]> =>
    (await get(`/v1/ledger/entries?actionId=${id}`)).body.entries as EntryView[];
  const mine = (entries: EntryView[], ...ids: string[]) => entries.filter((e) => ids.includes(e.event.id));

  beforeAll(async () => {
    useTestEnvironment(process.env.LOG_LEVEL ? {} : { LOG_LEVEL: 'warn' });
    app = await bootstrapService(LedgerModule, { app: LEDGER_APP, port: 0, consumers: [] });
    await app.get(EntriesConsumer).start();
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    publisher = app.get(EventPublisher);
    db = app.get(DataSource);
    tap = await TopicTap.open(app.get<Kafka>(KAFKA_CLIENT), [
      LedgerAppended.topic,
      deadLetterTopic(requestedTopic),
      AlertRaised.topic,
    ]);
    await waitFor(async () => (await get('/health/ready')).status === 200, {
      what: 'ledger to be ready',
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await tap?.close();
    await app?.close();
  });

  it('parks an event that arrives before its cause, then appends both once, in causal order', async () => {
    await publisher.publish(ActionDecided, decided);
    // The group may first have to catch up with what other tests left on the topics (redeliveries).
    await waitFor(
      async () => (await db.query('SELECT 1 FROM ledger.parked WHERE event_id = $1', [decided.id])).length === 1,
      { what: 'decided to be parked', timeoutMs: 90_000 },
    );
    expect(mine(await entriesOf(actionId), decided.id)).toEqual([]);

    await publisher.publish(ActionRequested, requested);
    const both = await waitFor(
      async () => {
        const found = mine(await entriesOf(actionId), requested.id, decided.id);
        return found.length === 2 && found;
      },
      { what: 'requested and decided to be appended' },
    );

    expect(both.map((e) => e.event.id)).toEqual([requested.id, decided.id]);
    expect(both[1].index).toBe(both[0].index + 1);
    expect(both.map((e) => e.entry.sessionSeq)).toEqual([0, 1]);
    expect((await db.query('SELECT 1 FROM ledger.parked WHERE event_id = $1', [decided.id])).length).toBe(0);

    for (const [view, sent] of [
      [both[0], requested],
      [both[1], decided],
    ] as Array<[EntryView, EventEnvelope<object>]>) {
      const canonical = canonicalJson(JSON.parse(JSON.stringify(sent)));
      // One log per partition: the session's partition decides the shard (shard 0 keeps the origin).
      expect(view.origin).toMatch(/^verity\.local\/ledger(\/shard-[1-9]\d*)?$/);
      expect(view.entry).toEqual({
        schema: 1,
        origin: view.origin,
        eventId: sent.id,
        eventType: sent.type,
        sessionId,
        sessionSeq: view.entry.sessionSeq,
        occurredAt: sent.time,
        payloadSha256: sha256(canonical),
        payloadSize: Buffer.byteLength(canonical, 'utf8'),
      });
      expect(view.leafHash).toBe(expectedLeaf(view.entry));
      expect(view.event).toEqual(JSON.parse(JSON.stringify(sent)));
      const shard = /shard-(\d+)$/.exec(view.origin)?.[1] ?? '0';
      expect((await get(`/v1/ledger/entries/${view.index}?shard=${shard}`)).body).toMatchObject({
        index: view.index,
        leafHash: view.leafHash,
        entry: view.entry,
      });
    }
  });

  it('announces each appended event as LedgerAppended, caused by it', async () => {
    const entries = mine(await entriesOf(actionId), requested.id, decided.id);
    for (const entry of entries) {
      const message = await tap.find(
        LedgerAppended.topic,
        (m) => JSON.parse(m.value).causationid === entry.event.id,
        `LedgerAppended for ${entry.event.type}`,
      );
      expect(message.key).toBe(sessionId);
      expect(JSON.parse(message.value)).toMatchObject({
        type: 'verity.ledger.appended.v1',
        source: '/verity/ledger',
        actionid: actionId,
        sessionid: sessionId,
        actor,
        data: {
          origin: entry.origin,
          index: entry.index,
          leafHash: entry.leafHash,
          entry: entry.entry,
          event: entry.event,
        },
      });
    }
  });

  it('appends a redelivered event once', async () => {
    await publisher.publish(ActionRequested, requested);
    // Same topic and key, so the same partition: consumed after the redelivery.
    const marker = createEvent(ActionRequested, {
      ...requested,
      source: '/verity/gateway',
      actionId: newId(),
      sessionId,
      actor,
      data: requested.data,
    });
    await publisher.publish(ActionRequested, marker);
    await waitFor(async () => mine(await entriesOf(marker.actionid), marker.id).length === 1, {
      what: 'marker to be appended',
    });

    expect(mine(await entriesOf(actionId), requested.id)).toHaveLength(1);
    const marked = mine(await entriesOf(marker.actionid), marker.id)[0];
    expect(marked.entry.sessionSeq).toBe(2);
  });

  it('dead-letters an event id that comes back with different content', async () => {
    const forged = { ...requested, data: { ...requested.data, payload: { sql: 'DROP TABLE customers' } } };
    await publisher.publish(ActionRequested, forged);
    const letter = await tap.find(
      deadLetterTopic(requestedTopic),
      // Other tests' dead letters (some not JSON at all) share the topic: match on key and id.
      (m) => m.key === sessionId && m.value.includes(requested.id),
      'the conflicting duplicate to be dead-lettered',
    );
    expect(letter.headers['verity-dlq-code']).toBe('LEDGER.CONFLICTING_DUPLICATE');
    const alert = await tap.find(
      AlertRaised.topic,
      (m) => m.key === sessionId && JSON.parse(m.value).data.kind === 'ledger.conflicting_duplicate',
      'alert.raised for the conflicting duplicate',
    );
    expect(JSON.parse(alert.value)).toMatchObject({
      source: '/verity/ledger',
      causationid: requested.id,
      data: { severity: 'critical', details: { eventId: requested.id, topic: requestedTopic } },
    });
    const stored = mine(await entriesOf(actionId), requested.id);
    expect(stored).toHaveLength(1);
    expect(stored[0].event).toEqual(JSON.parse(JSON.stringify(requested)));
  });

  it('orders an event caused by a work message (never ledgered) after its lifecycle predecessor', async () => {
    const action = newId();
    const req = createEvent(ActionRequested, {
      source: '/verity/gateway',
      actionId: action,
      sessionId,
      actor,
      data: requested.data,
    });
    const dec = createEvent(ActionDecided, {
      source: '/verity/policy',
      actionId: action,
      sessionId,
      actor,
      causationId: req.id,
      data: decided.data,
    });
    const executed = createEvent(ActionExecuted, {
      source: '/verity/gateway',
      actionId: action,
      sessionId,
      actor,
      causationId: newId(), // the masking reply: a work message the ledger never sees
      data: {
        payloadDigest: 'b'.repeat(64),
        resultDigest: 'c'.repeat(64),
        result: { columns: ['n'], rows: [[1]], rowCount: 1, truncated: false },
        masking: { profile: 'default', maskedValues: 0, fields: [] },
        durationMs: 3,
      },
    });
    const parked = (id: string) =>
      db.query('SELECT 1 FROM ledger.parked WHERE event_id = $1', [id]).then((rows: unknown[]) => rows.length === 1);

    await publisher.publish(ActionExecuted, executed);
    await waitFor(() => parked(executed.id), { what: 'executed to be parked' });
    await publisher.publish(ActionDecided, dec);
    await waitFor(() => parked(dec.id), { what: 'decided to be parked' });
    await publisher.publish(ActionRequested, req);

    const all = await waitFor(
      async () => {
        const found = mine(await entriesOf(action), req.id, dec.id, executed.id);
        return found.length === 3 && found;
      },
      { what: 'the three events to be appended' },
    );
    expect(all.map((e) => e.event.id)).toEqual([req.id, dec.id, executed.id]);
    expect(all.map((e) => e.index - all[0].index)).toEqual([0, 1, 2]);
  });

  it('appends a parked event whose cause never arrives once it has waited long enough', async () => {
    const orphan = createEvent(ActionDecided, {
      ...decided,
      source: '/verity/policy',
      actionId: newId(),
      sessionId,
      actor,
      causationId: newId(),
      data: decided.data,
    });
    await publisher.publish(ActionDecided, orphan);
    await waitFor(
      async () => (await db.query('SELECT 1 FROM ledger.parked WHERE event_id = $1', [orphan.id])).length === 1,
      { what: 'orphan to be parked' },
    );
    const service = app.get(EntriesService);
    expect((await service.releaseStaleParked(new Date())).map((e) => e.eventId)).not.toContain(orphan.id);

    const later = new Date(Date.now() + app.get(LedgerConfig).LEDGER_PARK_TIMEOUT_MS + 1_000);
    const released: string[] = [];
    for (
      let batch = await service.releaseStaleParked(later);
      batch.length > 0 && !released.includes(orphan.id);
      batch = await service.releaseStaleParked(later)
    ) {
      released.push(...batch.map((e) => e.eventId)); // other tests' parked events count too: released 100 at a time
    }
    expect(released).toContain(orphan.id);
    expect(mine(await entriesOf(orphan.actionid), orphan.id)).toHaveLength(1);
  });

  it('stores the consumed offsets with the entries and passes over messages below them', async () => {
    const partitionOf = async (): Promise<number> => {
      const entry = mine(await entriesOf(actionId), requested.id)[0];
      return Number(/shard-(\d+)$/.exec(entry.origin)?.[1] ?? 0);
    };
    const partition = await partitionOf();
    const stored = (await db.query(
      `SELECT next_offset::text AS next FROM ledger.consumer_offsets WHERE group_id = 'ledger.append' AND topic = $1 AND partition = $2`,
      [requestedTopic, partition],
    )) as Array<{ next: string }>;
    expect(stored).toHaveLength(1);
    expect(BigInt(stored[0].next)).toBeGreaterThan(0n);
    // Redelivered below the stored offset (as after a crash before Kafka's commit): not appended again.
    const fresh = actionRequestedEvent({
      sessionId,
      actor,
      connection: 'ledger-test-db',
      payloadDigest: 'e'.repeat(64),
    });
    const outcomes = await app.get(EntriesService).appendConsumed({
      groupId: 'ledger.append',
      topic: requestedTopic,
      partition,
      nextOffset: stored[0].next,
      events: [{ offset: (BigInt(stored[0].next) - 1n).toString(), event: fresh }],
    });
    expect(outcomes.map((o) => o.result.outcome)).toEqual(['consumed']);
    expect(await entriesOf(fresh.actionid)).toEqual([]);
  });

  it('rejects UPDATE, DELETE and TRUNCATE on entries in the database itself', async () => {
    await expect(
      db.query(`UPDATE ledger.entries SET leaf_hash = 'x' WHERE event_id = $1`, [requested.id]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM ledger.entries WHERE event_id = $1', [requested.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('TRUNCATE ledger.entries')).rejects.toThrow(/append-only/);
  });

  it('answers 404 for an index past the end and 400 for a malformed one', async () => {
    const missing = await get(`/v1/ledger/entries/${Number.MAX_SAFE_INTEGER}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'LEDGER.ENTRY_NOT_FOUND' } });
    expect((await get('/v1/ledger/entries/-1')).status).toBe(400);
    expect((await get('/v1/ledger/entries?actionId=nope')).status).toBe(400);
  });

  it('has migrations that match the entities exactly', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
