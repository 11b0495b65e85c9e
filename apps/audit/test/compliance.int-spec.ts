import { INestApplication } from '@nestjs/common';
import {
  ActionDecided,
  ActionDecidedV1,
  ActionDenied,
  ActionExecuted,
  ActionRequested,
  ActionRequestedV1,
  ActorV1,
  AlertRaised,
  AlertRaisedV1,
  AuditRead,
  AuditReadV1,
  createEvent,
  digestOf,
  EventDefinition,
  EventEnvelope,
  LedgerAppended,
  LedgerAppendedV1,
  newId,
  ReviewApproved,
  ReviewRequested,
} from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { EventPublisher } from '@verity/kafka';
import { bootstrapService } from '@verity/platform';
import { ledgerAppendedEvent, testKafkaBrokers, TopicTap, useTestEnvironment, waitFor } from '@verity/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { configureAuditHttp } from '../src/audit-http';
import { AUDIT_APP, AUDIT_CONSUMERS, AuditModule } from '../src/audit.module';
import { LedgerConsumer } from '../src/projection/ledger.consumer';
import { ORPHANED_EVENT_KIND } from '../src/alerts/alert-kinds';
import { OrphanSweepService } from '../src/alerts/orphan-sweep.service';
import { OcsfRecord, ocsfProblems } from '../src/exports/ocsf';
import { RebuildService } from '../src/rebuild/rebuild.service';

jest.setTimeout(90_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const run = newId().slice(-12);
const subject = `complier-${run}`;
const [agentOne, agentTwo] = [`agent:one-${run}`, `agent:two-${run}`];
const [connOne, connTwo] = [`c1-${run}`, `c2-${run}`];
const [sessionOne, sessionTwo] = [`s1-${run}`, `s2-${run}`];
const table = `orders_${run}`;
// Session one sits in shard 3 of the made-up ledger, session two in shard 0.
const origins = { [sessionOne]: `audit-compliance/${run}/shard-3`, [sessionTwo]: `audit-compliance/${run}` };
const actorOf = (agent: string): ActorV1 => ({
  subject,
  issuer: 'urn:verity:dev-issuer',
  kind: 'agent',
  actingParties: [{ subject: agent }],
  groups: ['analysts'],
});
const t0 = Date.now() - 10 * 60_000; // ten minutes ago: older than the orphan timeout
const at = (second: number) => new Date(t0 + second * 1000).toISOString();

const entries: EventEnvelope<LedgerAppendedV1>[] = [];
const nextIndex: Record<string, number> = {};

/** An event of our timeline, announced by the (played) ledger in its session's shard. */
function ledgered<T extends object>(
  def: EventDefinition<T>,
  actionId: string,
  sessionId: string,
  second: number,
  data: T,
): EventEnvelope<T> {
  const agent = sessionId === sessionOne ? agentOne : agentTwo;
  const created = createEvent(def, { source: '/verity/test', actionId, sessionId, actor: actorOf(agent), data });
  const event = { ...created, time: at(second) };
  announce(event as EventEnvelope<object>);
  return event;
}

function announce(event: EventEnvelope<object>): EventEnvelope<LedgerAppendedV1> {
  const origin = origins[event.sessionid] ?? `audit-compliance/${run}/readers`;
  const index = (nextIndex[origin] ??= 0);
  nextIndex[origin] = index + 1;
  const message = ledgerAppendedEvent(event, { origin, index, sessionSeq: index });
  entries.push(message);
  return message;
}

const sqlRequest = (sql: string, step: number, thought: string, connection = connOne): ActionRequestedV1 => ({
  connection,
  operation: 'sql.query',
  payload: { sql },
  payloadDigest: digestOf({ sql }),
  agent: { step, thought, tool: 'sql', model: 'test-model' },
});
const decided = (decision: 'allow' | 'deny' | 'review', written: boolean): ActionDecidedV1 => ({
  decision,
  reasons: [`${decision} by test`],
  policyIds: [`test-${decision}`],
  bundleRevision: 'rev-test',
  obligations: {},
  analysis: {
    statementKinds: [written ? 'delete' : 'select'],
    tablesRead: written ? [] : [table],
    tablesWritten: written ? [table] : [],
    readOnly: !written,
  },
});
const executed = (digest: string) => ({
  payloadDigest: digest,
  resultDigest: 'e'.repeat(64),
  result: { columns: ['n'], rows: [[1]], rowCount: 1, truncated: false },
  masking: { profile: 'default', maskedValues: 0, fields: [] },
  durationMs: 3,
});

// Session one: a1 read (allowed, executed), a2 HTTP GET (allowed, executed), a3 delete (reviewed,
// approved by two, executed), a4 delete (review pending).
const [a1, a2, a3, a4] = [newId(), newId(), newId(), newId()];
const a1Req = ledgered(ActionRequested, a1, sessionOne, 0, sqlRequest(`SELECT * FROM ${table}`, 1, 'count orders'));
ledgered(ActionDecided, a1, sessionOne, 1, decided('allow', false));
ledgered(ActionExecuted, a1, sessionOne, 2, executed(a1Req.data.payloadDigest));
const httpPayload = { method: 'GET' as const, path: '/v1/items' };
ledgered(ActionRequested, a2, sessionOne, 3, {
  connection: connOne,
  operation: 'http.request',
  payload: httpPayload,
  payloadDigest: digestOf(httpPayload),
  agent: { step: 2, thought: 'list items' },
});
ledgered(ActionDecided, a2, sessionOne, 4, { ...decided('allow', false), analysis: undefined });
ledgered(ActionExecuted, a2, sessionOne, 5, executed(digestOf(httpPayload)));
const a3Req = ledgered(ActionRequested, a3, sessionOne, 6, sqlRequest(`DELETE FROM ${table}`, 3, 'purge old'));
ledgered(ActionDecided, a3, sessionOne, 7, decided('review', true));
const reviewOf = (req: EventEnvelope<ActionRequestedV1>) => ({
  connection: connOne,
  operation: 'sql.query' as const,
  payload: req.data.payload,
  payloadDigest: req.data.payloadDigest,
  agent: req.data.agent,
  reasons: ['deletes need two approvals'],
  policyIds: ['deletes-reviewed'],
  bundleRevision: 'rev-test',
  requiredApprovals: 2,
  distinctGroups: false,
  approverGroups: ['approvers'],
  expiresAt: at(3600),
});
ledgered(ReviewRequested, a3, sessionOne, 8, reviewOf(a3Req));
const approval = (who: string, second: number) => ({
  subject: who,
  issuer: 'urn:verity:dev-issuer',
  comment: `fine by ${who}`,
  at: at(second),
});
ledgered(ReviewApproved, a3, sessionOne, 9, {
  approvals: [approval('bob', 9)],
  payloadDigest: a3Req.data.payloadDigest,
  requiredApprovals: 2,
  complete: false,
});
ledgered(ReviewApproved, a3, sessionOne, 10, {
  approvals: [approval('bob', 9), approval('erin', 10)],
  payloadDigest: a3Req.data.payloadDigest,
  requiredApprovals: 2,
  complete: true,
});
ledgered(ActionExecuted, a3, sessionOne, 11, executed(a3Req.data.payloadDigest));
const a4Req = ledgered(ActionRequested, a4, sessionOne, 12, sqlRequest(`DELETE FROM ${table} WHERE 1=1`, 4, 'purge'));
ledgered(ActionDecided, a4, sessionOne, 13, decided('review', true));
ledgered(ReviewRequested, a4, sessionOne, 14, {
  ...reviewOf(a4Req),
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
});

// Session two (another connection and agent): three denials in three seconds (a burst, with the
// rule set to 3 in 60 s), a budget alert from policy, and o1, an intent that never got an outcome.
const denied = [newId(), newId(), newId()];
denied.forEach((id, i) => {
  ledgered(ActionRequested, id, sessionTwo, 20 + i, sqlRequest(`DELETE FROM ${table}`, i + 1, 'try again', connTwo));
  ledgered(ActionDecided, id, sessionTwo, 20.2 + i, decided('deny', true));
  ledgered(ActionDenied, id, sessionTwo, 20.4 + i, { reasons: ['deny by test'], policyIds: ['test-deny'] });
});
const budget = ledgered<AlertRaisedV1>(AlertRaised, denied[2], sessionTwo, 22.5, {
  kind: 'budget.exceeded',
  severity: 'warning',
  message: 'session budget exceeded: writes 3 > 2',
  details: { budgets: ['writes'], limits: { writes: 2 }, used: { writes: 3 } },
});
const o1 = newId();
ledgered(ActionRequested, o1, sessionTwo, 30, sqlRequest('SELECT pg_sleep(1000)', 4, 'wait', connTwo));

describe('compliance views (real Kafka + PostgreSQL)', () => {
  let app: INestApplication;
  let url: string;
  let publisher: EventPublisher;
  let db: DataSource;
  let kafka: Kafka;
  let tap: TopicTap;
  let compliance: string;
  let analyst: string;
  let publishedAtStart = 0;

  const fetchRaw = (path: string, token: string | null = compliance) =>
    fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const get = async (path: string, token: string | null = compliance): Promise<{ status: number; body: Json }> => {
    const res = await fetchRaw(path, token);
    return { status: res.status, body: (await res.json()) as Json };
  };
  const ok = async (path: string): Promise<Json> => {
    const res = await get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res.body;
  };
  const ids = async (query: string) =>
    ((await ok(`/v1/audit/actions?${query}`)).actions as Json[]).map((x) => x.actionId);

  beforeAll(async () => {
    useTestEnvironment({
      AUDIT_DENIED_BURST_COUNT: '3',
      AUDIT_DENIED_BURST_WINDOW_MS: '60000',
      AUDIT_ORPHAN_TIMEOUT_MS: '300000',
      AUDIT_ORPHAN_SWEEP_MS: '0', // swept by the test, once the timeline is projected
    });
    app = await bootstrapService(AuditModule, {
      app: AUDIT_APP,
      port: 0,
      consumers: AUDIT_CONSUMERS,
      configure: configureAuditHttp,
    });
    await app.get(LedgerConsumer).start();
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    publisher = app.get(EventPublisher);
    db = app.get(DataSource);
    kafka = new Kafka({
      clientId: `audit-int-${process.pid}`,
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    tap = await TopicTap.open(kafka, [AlertRaised.topic, AuditRead.topic]);
    const issuer = await DevIssuer.load();
    compliance = await issuer.mint({ sub: `carol-${run}`, groups: ['compliance'] });
    analyst = await issuer.mint({ sub: 'dave', groups: ['analysts'] });
    publishedAtStart = entries.length;
    for (const message of entries) await publisher.publish(LedgerAppended, message);
    await waitFor(
      async () => {
        const res = await get(`/v1/audit/actions?connection=${connTwo}&status=denied`);
        const a3Row = await get(`/v1/audit/actions/${a3}`);
        return res.body.actions?.length === 3 && a3Row.body.status === 'executed';
      },
      { what: 'the test actions to be projected', timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    await tap?.close();
    await app?.close();
  });

  it('shows the review history, the acting agent and the sharded ledger refs on the action', async () => {
    const a3View = await ok(`/v1/audit/actions/${a3}`);
    expect(a3View).toMatchObject({ agent: agentOne, tables: [table], status: 'executed', decision: 'review' });
    expect(a3View.reviews).toEqual([
      {
        reviewId: a3,
        state: 'approved',
        requiredApprovals: 2,
        approverGroups: ['approvers'],
        reasons: ['deletes need two approvals'],
        policyIds: ['deletes-reviewed'],
        requestedAt: at(8),
        expiresAt: at(3600),
        concludedAt: at(10),
        verdicts: [
          { approver: 'bob', verdict: 'approve', comment: 'fine by bob', at: at(9) },
          { approver: 'erin', verdict: 'approve', comment: 'fine by erin', at: at(10) },
        ],
      },
    ]);
    expect(a3View.ledgerRefs.map((r: Json) => [r.origin, r.shard, r.type])).toEqual(
      entries.filter((m) => m.actionid === a3).map((m) => [origins[sessionOne], 3, m.data.event.type]),
    );
    expect((await ok(`/v1/audit/actions/${a2}`)).http).toEqual({ method: 'GET', path: '/v1/items' });
  });

  it('filters by agent, operation and table touched, alone and with the other filters', async () => {
    expect(await ids(`agent=${encodeURIComponent(agentOne)}`)).toEqual([a4, a3, a2, a1]);
    expect(await ids(`agent=${encodeURIComponent(agentTwo)}&decision=deny`)).toEqual([...denied].reverse());
    expect(await ids(`identity=${subject}&operation=http.request`)).toEqual([a2]);
    expect(await ids(`table=${table}&sessionId=${sessionOne}`)).toEqual([a4, a3, a1]);
    expect(await ids(`table=${table}&connection=${connOne}&status=executed&q=purge`)).toEqual([a3]);
    expect(await ids(`table=nope_${run}`)).toEqual([]);
  });

  it('lists pending and past reviews with what the reviewer judges', async () => {
    const pending = (await ok(`/v1/audit/reviews?state=pending&limit=500`)).reviews as Json[];
    const mine = pending.find((r) => r.actionId === a4);
    expect(mine).toMatchObject({
      reviewId: a4,
      state: 'pending',
      sessionId: sessionOne,
      connection: connOne,
      sql: `DELETE FROM ${table} WHERE 1=1`,
      thought: 'purge',
      identity: subject,
      agent: agentOne,
      verdicts: [],
    });
    expect(pending.some((r) => r.actionId === a3)).toBe(false);
    const approved = (await ok(`/v1/audit/reviews?state=approved&limit=500`)).reviews as Json[];
    expect(approved.find((r) => r.actionId === a3)?.verdicts).toHaveLength(2);
    const page = await ok(`/v1/audit/reviews?limit=1`);
    expect(page.reviews).toHaveLength(1);
    expect(typeof page.nextCursor).toBe('string');
    const second = await ok(`/v1/audit/reviews?limit=1&cursor=${page.nextCursor}`);
    expect(second.reviews[0].actionId).not.toBe(page.reviews[0].actionId);
  });

  it('lists sessions newest activity first, with counts', async () => {
    const { sessions } = await ok(`/v1/audit/sessions?identity=${subject}`);
    expect(sessions.map((s: Json) => s.sessionId)).toEqual([sessionTwo, sessionOne]);
    expect(sessions[1]).toMatchObject({
      sessionId: sessionOne,
      identity: subject,
      agent: agentOne,
      firstAt: at(0),
      actionCount: 4,
      deniedCount: 0,
      pendingReviewCount: 1,
      decisions: { allow: 2, deny: 0, review: 2 },
      outcomes: { executed: 3, failed: 0, denied: 0 },
    });
    expect(sessions[0]).toMatchObject({ sessionId: sessionTwo, actionCount: 4, deniedCount: 3, pendingReviewCount: 0 });
    const first = await ok(`/v1/audit/sessions?identity=${subject}&limit=1`);
    expect(first.sessions.map((s: Json) => s.sessionId)).toEqual([sessionTwo]);
    const next = await ok(`/v1/audit/sessions?identity=${subject}&limit=1&cursor=${first.nextCursor}`);
    expect(next.sessions.map((s: Json) => s.sessionId)).toEqual([sessionOne]);
    expect(next.nextCursor).toBeNull();
    expect((await ok(`/v1/audit/sessions?identity=${subject}&to=${encodeURIComponent(at(15))}`)).sessions).toHaveLength(
      1,
    );
    expect(
      (await ok(`/v1/audit/sessions?identity=${subject}&from=${encodeURIComponent(at(25))}`)).sessions,
    ).toHaveLength(1);
  });

  it('keeps the session timeline in step order', async () => {
    const { actions } = await ok(`/v1/audit/sessions/${sessionOne}`);
    expect(actions.map((x: Json) => [x.actionId, x.step])).toEqual([
      [a1, 1],
      [a2, 2],
      [a3, 3],
      [a4, 4],
    ]);
  });

  it('summarises identities and connections by decision and outcome', async () => {
    const { identities } = await ok('/v1/audit/identities');
    expect(identities.find((i: Json) => i.identity === subject)).toMatchObject({
      actionCount: 8,
      decisions: { allow: 2, deny: 3, review: 2 },
      outcomes: { executed: 3, failed: 0, denied: 3 },
      pendingReviewCount: 1,
    });
    const { connections } = await ok('/v1/audit/connections');
    expect(connections.find((c: Json) => c.connection === connTwo)).toMatchObject({
      actionCount: 4,
      decisions: { allow: 0, deny: 3, review: 0 },
      lastSeen: at(30),
    });
  });

  it('raises alerts: the budget crossing, the denied burst and the orphaned intent', async () => {
    const budgetAlert = (await ok('/v1/audit/alerts?kind=budget_crossed&limit=500')).alerts.find(
      (x: Json) => x.alertId === budget.id,
    );
    expect(budgetAlert).toMatchObject({
      kind: 'budget_crossed',
      severity: 'warning',
      identity: subject,
      sessionId: sessionTwo,
      actionId: denied[2],
      raisedAt: at(22.5),
      details: { budgets: ['writes'] },
    });
    const bursts = (await ok('/v1/audit/alerts?kind=denied_burst&limit=500')).alerts.filter(
      (x: Json) => x.identity === subject,
    );
    expect(bursts).toEqual([
      expect.objectContaining({ kind: 'denied_burst', actionId: denied[2], sessionId: sessionTwo, raisedAt: at(22.4) }),
    ]);

    // A sweep publishes alert.raised for o1; the ledger (played here) appends it; it is projected.
    const sweeper = app.get(OrphanSweepService);
    expect(await sweeper.sweep()).toBeGreaterThanOrEqual(1);
    expect(await sweeper.sweep()).toBe(0); // raised once
    const { event } = await tap.findEvent<AlertRaisedV1>(
      [AlertRaised.topic],
      (e) => e.actionid === o1 && e.data.kind === ORPHANED_EVENT_KIND,
      'the orphaned-action alert',
    );
    expect(event).toMatchObject({ source: '/verity/audit', sessionid: sessionTwo, actor: { subject } });
    await publisher.publish(LedgerAppended, announce(event as EventEnvelope<object>));
    const orphan = await waitFor(
      async () =>
        ((await ok('/v1/audit/alerts?kind=orphaned_action&limit=500')).alerts as Json[]).find((x) => x.actionId === o1),
      { what: 'the orphaned-action alert in the view' },
    );
    expect(orphan).toMatchObject({ alertId: event.id, identity: subject, sessionId: sessionTwo, severity: 'warning' });
    expect(tap.seen(AlertRaised.topic, (m) => m.value.includes(o1))).toHaveLength(1);
    // Actions still running (a4 waits on its review) are no orphans.
    expect(tap.seen(AlertRaised.topic, (m) => m.value.includes(a4))).toEqual([]);
  });

  it('exports JSON Lines, CSV and OCSF, every match, streamed', async () => {
    const jsonl = await fetchRaw(`/v1/audit/actions?identity=${subject}&format=jsonl`);
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const rows = (await jsonl.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(rows.map((r) => r.actionId)).toEqual(await ids(`identity=${subject}&limit=500`));
    expect(rows).toHaveLength(8);

    const csv = await fetchRaw(`/v1/audit/actions?sessionId=${sessionOne}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['actionId', 'sessionId', 'requestedAt', 'identity']);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([a4, a3, a2, a1]);
    expect(lines.find((l) => l.startsWith(a3))).toContain(`DELETE FROM ${table}`);

    const ocsf = await fetchRaw(`/v1/audit/actions?identity=${subject}&format=ocsf`);
    const records = (await ocsf.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcsfRecord);
    expect(records).toHaveLength(8);
    for (const record of records) expect(ocsfProblems(record)).toEqual([]);
    expect(records.find((r) => (r.metadata as Json).uid === a2)).toMatchObject({ class_uid: 6003, activity_id: 2 });
    expect(records.find((r) => (r.metadata as Json).uid === a1)).toMatchObject({ class_uid: 6005, activity_id: 4 });

    const limited = await fetchRaw(`/v1/audit/actions?identity=${subject}&format=jsonl&limit=3`);
    expect((await limited.text()).trim().split('\n')).toHaveLength(3);
  });

  it('publishes each read of audit data as audit.read: who, what, how many', async () => {
    await ok(`/v1/audit/actions?sessionId=${sessionOne}&table=${table}`);
    await ok(`/v1/audit/actions/${a1}`);
    const read = (match: (e: EventEnvelope<AuditReadV1>) => boolean, what: string) =>
      tap.findEvent<AuditReadV1>([AuditRead.topic], (e) => e.actor.subject === `carol-${run}` && match(e), what);
    const list = await read((e) => e.data.filters.table === table, 'the list read');
    expect(list.event).toMatchObject({
      source: '/verity/audit',
      sessionid: `audit:carol-${run}`,
      data: { route: 'GET /v1/audit/actions', filters: { sessionId: sessionOne, table }, format: 'json', records: 3 },
    });
    const one = await read(
      (e) => e.data.route === 'GET /v1/audit/actions/:id' && e.data.resourceIds[0] === a1,
      'the single read',
    );
    expect(one.event).toMatchObject({ actionid: a1, data: { resourceIds: [a1], records: 1 } });
    const exported = await read((e) => e.data.format === 'ocsf', 'the export read');
    expect(exported.event.data).toMatchObject({ records: 8, filters: { identity: subject, format: 'ocsf' } });

    // Ledgered, a read moves the high-water mark and nothing else: it is not an action.
    const appended = announce(one.event as EventEnvelope<object>);
    await publisher.publish(LedgerAppended, appended);
    await waitFor(
      async () => {
        const rows = await db.query(`SELECT last_index FROM audit.projection_state WHERE origin = $1`, [
          appended.data.origin,
        ]);
        return rows.length === 1 && Number(rows[0].last_index) === appended.data.index;
      },
      { what: 'the read to be applied' },
    );
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM audit.actions WHERE ledger_refs @> $1::jsonb`, [
      JSON.stringify([{ index: appended.data.index, origin: appended.data.origin }]),
    ]);
    expect(n).toBe(0);
  });

  it('answers 401 without a token, 403 outside the compliance group, 400 on bad parameters', async () => {
    const routes = [
      '/v1/audit/sessions',
      `/v1/audit/sessions/${sessionOne}`,
      '/v1/audit/reviews',
      '/v1/audit/alerts',
      '/v1/audit/identities',
      '/v1/audit/connections',
      `/v1/audit/actions?format=csv`,
      `/v1/audit/actions/${a1}`,
    ];
    for (const path of routes) {
      const anonymous = await get(path, null);
      expect({ path, status: anonymous.status, code: anonymous.body.error?.code }).toEqual({
        path,
        status: 401,
        code: 'AUTH.UNAUTHENTICATED',
      });
      const outsider = await get(path, analyst);
      expect({ path, status: outsider.status, code: outsider.body.error?.code }).toEqual({
        path,
        status: 403,
        code: 'AUTH.FORBIDDEN',
      });
    }
    for (const path of [
      '/v1/audit/actions?operation=ftp',
      '/v1/audit/actions?format=xml',
      '/v1/audit/actions?table=',
      '/v1/audit/actions?format=csv&cursor=bogus',
      '/v1/audit/sessions?limit=0',
      '/v1/audit/sessions?from=yesterday',
      '/v1/audit/sessions?cursor=bogus',
      '/v1/audit/reviews?state=maybe',
      '/v1/audit/reviews?cursor=bogus',
      '/v1/audit/alerts?kind=Bad-Kind',
      '/v1/audit/alerts?limit=501',
      '/v1/audit/alerts?other=1',
    ]) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
  });

  it('serves its OpenAPI document at /docs, with every route and filter', async () => {
    expect((await fetch(`${url}/docs`)).status).toBe(200);
    const doc = (await (await fetch(`${url}/docs/openapi.json`)).json()) as Json;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/audit/actions',
        '/v1/audit/actions/{id}',
        '/v1/audit/sessions',
        '/v1/audit/sessions/{id}',
        '/v1/audit/reviews',
        '/v1/audit/alerts',
        '/v1/audit/identities',
        '/v1/audit/connections',
      ]),
    );
    const params = doc.paths['/v1/audit/actions'].get.parameters.map((p: Json) => p.name);
    expect(params).toEqual(expect.arrayContaining(['agent', 'operation', 'table', 'format', 'cursor']));
  });

  it('exposes the projection lag as a Prometheus histogram', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const count = /^audit_projection_lag_seconds_count\{[^}]*\} (\d+)$/m.exec(metrics);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(publishedAtStart);
    expect(metrics).toMatch(/^audit_projection_last_lag_seconds\{[^}]*\} [\d.]+$/m);
  });

  it('rebuilds identical views from the ledger entries', async () => {
    const snapshot = async () => ({
      actions: await db.query(`SELECT * FROM audit.actions WHERE session_id IN ($1, $2) ORDER BY action_id`, [
        sessionOne,
        sessionTwo,
      ]),
      sessions: await db.query(`SELECT * FROM audit.sessions WHERE session_id IN ($1, $2) ORDER BY session_id`, [
        sessionOne,
        sessionTwo,
      ]),
      identities: await db.query(`SELECT * FROM audit.identities WHERE identity = $1`, [subject]),
      connections: await db.query(`SELECT * FROM audit.connections WHERE connection IN ($1, $2) ORDER BY connection`, [
        connOne,
        connTwo,
      ]),
      alerts: await db.query(`SELECT * FROM audit.alerts WHERE identity = $1 ORDER BY alert_id`, [subject]),
      marks: await db.query(
        `SELECT origin, last_index FROM audit.projection_state WHERE origin LIKE $1 ORDER BY origin`,
        [`audit-compliance/${run}%`],
      ),
    });
    // updated_at is bookkeeping (when the row was written), not content.
    const content = (views: Json) => ({
      ...views,
      actions: views.actions.map(({ updated_at: _, ...row }: Json) => row),
    });
    const live = await snapshot();
    expect(live.actions).toHaveLength(8);
    expect(live.alerts.length).toBeGreaterThanOrEqual(3);

    // Replay newest entry first (the views must not depend on arrival order), then again per
    // shard in ledger order (as the rebuild script reads the ledger): duplicates change nothing.
    const rebuild = app.get(RebuildService);
    await rebuild.rebuild([...entries].reverse().map((m) => m.data));
    const byShard = [...entries].sort(
      (x, y) => x.data.origin.localeCompare(y.data.origin) || x.data.index - y.data.index,
    );
    expect(await rebuild.replay(byShard.map((m) => m.data))).toBe(0);
    expect(content(await snapshot())).toEqual(content(live));
  });
});
