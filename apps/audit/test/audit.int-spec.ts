import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionDenied,
  ActionExecuted,
  ActionFailed,
  ActionRequested,
  ActorV1,
  createEvent,
  digestOf,
  EventDefinition,
  EventEnvelope,
  LedgerAppended,
  newId,
  sqlPayloadOf,
} from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { EventPublisher } from '@verity/kafka';
import { bootstrapService } from '@verity/platform';
import { ledgerAppendedEvent, useTestEnvironment, waitFor } from '@verity/testing';
import { DataSource } from 'typeorm';
import { AUDIT_APP, AUDIT_CONSUMERS, AuditModule } from '../src/audit.module';
import { LedgerConsumer } from '../src/projection/ledger.consumer';

jest.setTimeout(60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const run = newId().slice(-12); // unique per run: origin, session, identity, connection, search text
const origin = `audit-test/${run}`;
const base = 1_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
const sessionId = `audit-test-${run}`;
const subject = `auditee-${run}`;
const agentParty = `agent:audit-${run}`;
const connection = `audit-${run}`;
const needle = `needle${run}`;
const actor: ActorV1 = {
  subject,
  issuer: 'urn:verity:dev-issuer',
  kind: 'agent',
  actingParties: [{ subject: agentParty }],
  groups: ['analysts'],
};

const t0 = Date.now() - 60_000;

/** An event of our made-up action, in our session, `second` seconds into the test's timeline. */
function event<T extends object>(
  def: EventDefinition<T>,
  actionId: string,
  second: number,
  data: T,
  causationId?: string,
): EventEnvelope<T> {
  const created = createEvent(def, { source: '/verity/test', actionId, sessionId, actor, causationId, data });
  return { ...created, time: new Date(t0 + second * 1000).toISOString() };
}

/** What the ledger would announce for `ledgered` at `index` of our origin. */
const appended = (ledgered: EventEnvelope<object>, index: number, sessionSeq: number) =>
  ledgerAppendedEvent(ledgered, { origin, index, sessionSeq });

const requestedData = (sql: string, step: number, thought: string) => ({
  connection,
  operation: 'sql.query' as const,
  payload: { sql, params: [step] },
  payloadDigest: digestOf({ sql, params: [step] }),
  agent: { step, thought, tool: 'sql', model: 'test-model' },
});

// Action A: requested → decided (allow) → executed. B: requested → decided (deny) → denied. C: requested → failed.
const [a, b, c] = [newId(), newId(), newId()];
const aRequested = event(
  ActionRequested,
  a,
  0,
  requestedData(`SELECT email FROM customers /* ${needle} */`, 1, 'find the customer'),
);
const aDecided = event(
  ActionDecided,
  a,
  1,
  {
    decision: 'allow',
    reasons: ['analysts may read'],
    policyIds: ['analysts-read'],
    bundleRevision: 'rev-test',
    obligations: { maskingProfile: 'default', rowLimit: 100 },
    analysis: { statementKinds: ['select'], tablesRead: ['customers'], tablesWritten: [], readOnly: true },
  },
  aRequested.id,
);
const aExecuted = event(
  ActionExecuted,
  a,
  3,
  {
    payloadDigest: aRequested.data.payloadDigest,
    resultDigest: 'e'.repeat(64),
    result: { columns: ['email'], rows: [['[EMAIL]']], rowCount: 1, truncated: false },
    masking: { profile: 'default', maskedValues: 1, fields: [{ field: 'email', entities: { EMAIL: 1 } }] },
    durationMs: 7,
  },
  aDecided.id,
);
const bRequested = event(ActionRequested, b, 2, requestedData('DELETE FROM customers', 2, 'clean up'));
const bDecided = event(
  ActionDecided,
  b,
  4,
  {
    decision: 'deny',
    reasons: ['writes are forbidden'],
    policyIds: ['no-writes'],
    bundleRevision: 'rev-test',
    obligations: {},
  },
  bRequested.id,
);
const bDenied = event(ActionDenied, b, 5, { reasons: ['writes are forbidden'], policyIds: ['no-writes'] }, bDecided.id);
const cRequested = event(
  ActionRequested,
  c,
  6,
  requestedData('SELECT pg_sleep(100)', 3, `wait a while (${needle.toUpperCase()})`),
);
const cFailed = event(
  ActionFailed,
  c,
  7,
  { stage: 'decision', code: 'POLICY.TIMEOUT', message: 'no policy decision' },
  cRequested.id,
);

const ledgered = [
  aRequested,
  aDecided,
  bRequested,
  aExecuted,
  bDecided,
  bDenied,
  cRequested,
  cFailed,
] as EventEnvelope<object>[];
const messages = ledgered.map((e, i) => appended(e, base + i, i));

describe('audit (real Kafka + PostgreSQL)', () => {
  let app: INestApplication;
  let url: string;
  let publisher: EventPublisher;
  let db: DataSource;
  let compliance: string;
  let analyst: string;

  const get = async (path: string, token: string | null = compliance): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const list = async (query: string) => {
    const res = await get(`/v1/audit/actions?${query}`);
    expect(res.status).toBe(200);
    return res.body.actions.map((x: Json) => x.actionId) as string[];
  };

  beforeAll(async () => {
    useTestEnvironment(process.env.LOG_LEVEL ? {} : { LOG_LEVEL: 'warn' });
    app = await bootstrapService(AuditModule, { app: AUDIT_APP, port: 0, consumers: AUDIT_CONSUMERS });
    await app.get(LedgerConsumer).start();
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    publisher = app.get(EventPublisher);
    db = app.get(DataSource);
    const issuer = await DevIssuer.load();
    compliance = await issuer.mint({ sub: 'carol', groups: ['compliance'] });
    analyst = await issuer.mint({ sub: 'dave', groups: ['analysts'] });
    for (const message of messages) await publisher.publish(LedgerAppended, message);
    await waitFor(
      async () => {
        const res = await get(`/v1/audit/actions?sessionId=${sessionId}`);
        return (
          res.status === 200 &&
          res.body.actions.length === 3 &&
          res.body.actions.every((x: Json) => x.status !== 'requested' && x.status !== 'decided')
        );
      },
      { what: 'the three actions to reach their outcomes', timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows an executed action with its request, decision, result and ledger references', async () => {
    const { status, body } = await get(`/v1/audit/actions/${a}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      actionId: a,
      sessionId,
      status: 'executed',
      identity: { subject, issuer: 'urn:verity:dev-issuer', kind: 'agent' },
      actor,
      agent: agentParty,
      connection,
      operation: 'sql.query',
      sql: sqlPayloadOf(aRequested.data)?.sql,
      params: [1],
      http: null,
      payloadDigest: aRequested.data.payloadDigest,
      step: 1,
      thought: 'find the customer',
      tool: 'sql',
      model: 'test-model',
      requestedAt: aRequested.time,
      decision: 'allow',
      reasons: ['analysts may read'],
      policyIds: ['analysts-read'],
      bundleRevision: 'rev-test',
      obligations: { maskingProfile: 'default', rowLimit: 100 },
      analysis: { statementKinds: ['select'], tablesRead: ['customers'], tablesWritten: [], readOnly: true },
      decidedAt: aDecided.time,
      tables: ['customers'],
      reviews: [],
      result: { columns: ['email'], rows: [['[EMAIL]']], rowCount: 1, truncated: false },
      masking: { profile: 'default', maskedValues: 1, fields: [{ field: 'email', entities: { EMAIL: 1 } }] },
      resultDigest: 'e'.repeat(64),
      executedPayloadDigest: aRequested.data.payloadDigest,
      durationMs: 7,
      error: null,
      completedAt: aExecuted.time,
      ledgerRefs: [0, 1, 3].map((i) => ({
        origin,
        shard: 0,
        index: base + i,
        type: ledgered[i].type,
        leafHash: messages[i].data.leafHash,
      })),
      updatedAt: expect.any(String),
    });
  });

  it('shows denied and failed actions', async () => {
    expect((await get(`/v1/audit/actions/${b}`)).body).toMatchObject({
      status: 'denied',
      decision: 'deny',
      reasons: ['writes are forbidden'],
      completedAt: bDenied.time,
    });
    expect((await get(`/v1/audit/actions/${c}`)).body).toMatchObject({
      status: 'failed',
      decision: null,
      error: { stage: 'decision', code: 'POLICY.TIMEOUT', message: 'no policy decision' },
      completedAt: cFailed.time,
    });
  });

  it('answers 404 AUDIT.ACTION_NOT_FOUND for an unknown action', async () => {
    for (const id of [newId(), 'not-a-uuid']) {
      const res = await get(`/v1/audit/actions/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('AUDIT.ACTION_NOT_FOUND');
    }
  });

  it('filters by session, identity, connection, decision, status, time and free text', async () => {
    const newestFirst = [c, b, a];
    expect(await list(`sessionId=${sessionId}`)).toEqual(newestFirst);
    expect(await list(`identity=${subject}`)).toEqual(newestFirst);
    expect(await list(`identity=${encodeURIComponent(agentParty)}`)).toEqual(newestFirst);
    expect(await list(`connection=${connection}`)).toEqual(newestFirst);
    expect(await list(`sessionId=${sessionId}&decision=deny`)).toEqual([b]);
    expect(await list(`sessionId=${sessionId}&decision=allow&status=executed`)).toEqual([a]);
    expect(await list(`sessionId=${sessionId}&status=failed`)).toEqual([c]);
    expect(await list(`q=${needle.toUpperCase()}`)).toEqual([c, a]); // SQL of a, thought of c
    expect(await list(`q=${encodeURIComponent(`%${run}`)}`)).toEqual([]); // % is a literal, not a wildcard
    expect(await list(`sessionId=${sessionId}&from=${encodeURIComponent(bRequested.time)}`)).toEqual([c, b]);
    expect(await list(`sessionId=${sessionId}&to=${encodeURIComponent(bRequested.time)}`)).toEqual([a]);
  });

  it('pages with an opaque cursor, newest first, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Json } = await get(
        `/v1/audit/actions?sessionId=${sessionId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.actions.map((x: Json) => x.actionId));
      cursor = res.body.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([c, b, a]);
  });

  it('rejects bad filters with 400', async () => {
    for (const query of [
      'decision=maybe',
      'status=lost',
      'limit=0',
      'limit=501',
      'from=yesterday',
      'connection=Bad!',
      'unknown=1',
      'cursor=bogus',
    ]) {
      const res = await get(`/v1/audit/actions?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });

  it('lists a session in step order', async () => {
    const { status, body } = await get(`/v1/audit/sessions/${sessionId}`);
    expect(status).toBe(200);
    expect(body.sessionId).toBe(sessionId);
    expect(body.actions.map((x: Json) => [x.actionId, x.step])).toEqual([
      [a, 1],
      [b, 2],
      [c, 3],
    ]);
    expect((await get(`/v1/audit/sessions/no-such-session-${run}`)).status).toBe(404);
  });

  it('applies each ledger entry once, however often it is delivered', async () => {
    const before = (await get(`/v1/audit/actions/${a}`)).body;
    await publisher.publish(LedgerAppended, messages[1]);
    await publisher.publish(LedgerAppended, messages[0]);
    // Same key, so the same partition: the marker is consumed after the redeliveries.
    const d = newId();
    const marker = appended(event(ActionRequested, d, 8, requestedData('SELECT 2', 4, 'marker')), base + 50, 50);
    await publisher.publish(LedgerAppended, marker);
    await waitFor(async () => (await get(`/v1/audit/actions/${d}`)).status === 200, { what: 'the marker action' });
    expect((await get(`/v1/audit/actions/${a}`)).body).toEqual(before);
  });

  it('applies an entry below the origin high-water mark that it has not seen', async () => {
    // Entries of one origin reach audit over several partitions, so indices interleave.
    const e = newId();
    const late = appended(event(ActionRequested, e, 9, requestedData('SELECT 3', 5, 'late')), base + 20, 20);
    await publisher.publish(LedgerAppended, late);
    await waitFor(async () => (await get(`/v1/audit/actions/${e}`)).status === 200, { what: 'the late action' });
    const [state] = await db.query('SELECT last_index FROM audit.projection_state WHERE origin = $1', [origin]);
    expect(Number(state.last_index)).toBe(base + 50);
  });

  it('requires a bearer token (401) in the compliance group (403)', async () => {
    for (const path of [`/v1/audit/actions/${a}`, '/v1/audit/actions', `/v1/audit/sessions/${sessionId}`]) {
      const anonymous = await get(path, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe('AUTH.UNAUTHENTICATED');
      const outsider = await get(path, analyst);
      expect(outsider.status).toBe(403);
      expect(outsider.body.error.code).toBe('AUTH.FORBIDDEN');
      expect((await get(path, 'not.a.token')).status).toBe(401);
    }
  });

  it('has migrations that match the entities exactly', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
