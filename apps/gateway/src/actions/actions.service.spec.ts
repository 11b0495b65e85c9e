import { ActionFailed, ActorV1, DomainError, EventDefinition, EventEnvelope } from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { GatewayConfig } from '../config/gateway.config';
import { ConnectionRegistry } from '../connections/connection-registry';
import { TargetExecutor } from '../execution/target-executor.service';
import { RepliesService } from '../replies/replies.service';
import { ActionMetrics } from './action.metrics';
import { ActionsRepository } from './actions.repository';
import { ActionsService } from './actions.service';

const actor: ActorV1 = { subject: 'alice', issuer: 'urn:test', kind: 'human', actingParties: [], groups: ['analysts'] };
const caller = { actor };
const request = { connection: 'demo-db', operation: 'sql.query' as const, input: { sql: 'SELECT 1' } };

/** The broker stands for a publisher whose sends resolve only when the test says so. */
function setUp(options: { storeDown?: boolean } = {}) {
  const sends: Array<{ type: string; event: EventEnvelope<object>; ack: () => void; fail: (e: Error) => void }> = [];
  const publisher = {
    publish: (def: EventDefinition<object>, event: EventEnvelope<object>) =>
      new Promise<void>((ack, fail) => sends.push({ type: def.type, event, ack, fail })),
  } as unknown as EventPublisher;
  const executor = { run: jest.fn() } as unknown as TargetExecutor;
  const repository = {
    create: jest.fn(async () => {
      if (options.storeDown) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    }),
    update: jest.fn(async () => undefined),
  } as unknown as ActionsRepository;
  const connections = {
    get: () => ({ name: 'demo-db', type: 'postgres' }),
  } as unknown as ConnectionRegistry;
  const config = Object.assign(new GatewayConfig(), { GATEWAY_PUBLISH_TIMEOUT_MS: 100 });
  const service = new ActionsService(
    config,
    connections,
    executor,
    new RepliesService(),
    publisher,
    repository,
    new ActionMetrics(),
  );
  return { service, sends, executor, repository };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof DomainError ? e.code : `unexpected: ${String(e)}`),
  );

describe('ActionsService fails closed when the event log is down', () => {
  it('answers EVENTS.UNAVAILABLE when the intent is not acknowledged in time, and runs nothing', async () => {
    const { service, sends, executor } = setUp();
    const started = Date.now();
    expect(await codeOf(service.submit(caller, request))).toBe('EVENTS.UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sends.map((s) => s.type)).toEqual(['verity.action.requested.v1']);
    expect(executor.run).not.toHaveBeenCalled();
  });

  it('gives an intent that lands late its outcome (action.failed EVENTS.UNAVAILABLE)', async () => {
    const { service, sends } = setUp();
    await codeOf(service.submit(caller, request));
    sends[0].ack(); // the producer's retry got it through after all
    await new Promise((r) => setImmediate(r));
    expect(sends.map((s) => s.type)).toEqual(['verity.action.requested.v1', ActionFailed.type]);
    const failed = sends[1].event as EventEnvelope<{ code: string }>;
    expect(failed.actionid).toBe(sends[0].event.actionid);
    expect(failed.data.code).toBe('EVENTS.UNAVAILABLE');
  });

  it('answers STORE.UNAVAILABLE when its store is down, before anything is published', async () => {
    const { service, sends } = setUp({ storeDown: true });
    expect(await codeOf(service.submit(caller, request))).toBe('STORE.UNAVAILABLE');
    expect(sends).toEqual([]);
  });
});
