import { Logger } from '@nestjs/common';
import {
  ActionDecided,
  ActionRequested,
  ActionRequestedV1,
  ActorV1,
  createEvent,
  digestOf,
  newId,
} from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { SqlAnalysisService } from '../analysis/sql-analysis.service';
import { PolicyBundleService } from '../bundle/policy-bundle.service';
import { DecisionsConsumer } from './decisions.consumer';
import { BudgetsService } from '../budgets/budgets.service';
import { DecisionsService } from './decisions.service';
import { ReviewsService } from '../reviews/reviews.service';

/** Budgets need the database; the consumer's own behaviour does not. */
function withoutBudgets(decisions: DecisionsService): BudgetsService {
  return {
    decide: (_actionId: string, sessionId: string, request: ActionRequestedV1, actor: ActorV1) =>
      Promise.resolve({ decided: decisions.decide(request, actor, sessionId), alert: null }),
  } as unknown as BudgetsService;
}

describe('DecisionsConsumer', () => {
  const analyser = new SqlAnalysisService();
  const bundles = new PolicyBundleService();
  beforeAll(async () => {
    await analyser.onModuleInit();
    bundles.onModuleInit();
  });
  afterAll(() => bundles.onModuleDestroy());
  afterEach(() => jest.restoreAllMocks());

  it('publishes one ActionDecided caused by the request and logs it without SQL or params', async () => {
    const publish = jest.fn().mockResolvedValue(undefined);
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const open = jest.fn();
    const consumer = new DecisionsConsumer(
      withoutBudgets(new DecisionsService(analyser, bundles)),
      { publish } as unknown as EventPublisher,
      { open } as unknown as ReviewsService,
    );
    const payload = { sql: "SELECT * FROM customers WHERE email = 'zed@example.com'", params: ['p4ssw0rd-param'] };
    const actor = { subject: 'alice', issuer: 'dev', kind: 'agent' as const, actingParties: [], groups: ['analysts'] };
    const request = createEvent(ActionRequested, {
      source: '/verity/gateway',
      actionId: newId(),
      sessionId: 'sess-1',
      actor,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      data: { connection: 'demo-db', operation: 'sql.query', payload, payloadDigest: digestOf(payload), agent: {} },
    });

    await consumer.onActionRequested(request);

    expect(publish).toHaveBeenCalledTimes(1);
    expect(open).not.toHaveBeenCalled();
    const [def, event] = publish.mock.calls[0];
    expect(def).toBe(ActionDecided);
    expect(event).toMatchObject({
      source: '/verity/policy',
      actionid: request.actionid,
      sessionid: 'sess-1',
      causationid: request.id,
      traceparent: request.traceparent,
      actor,
      data: { decision: 'allow' },
    });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({
        actionId: request.actionid,
        decision: 'allow',
        policyIds: ['analysts-read'],
        bundleRevision: bundles.current().revision,
      }),
      'action decided',
    );
    const lines = JSON.stringify(logged.mock.calls);
    expect(lines).not.toContain('p4ssw0rd-param');
    expect(lines).not.toContain('zed@example.com');
  });
});
