import { Logger } from '@nestjs/common';
import { createEvent, digestOf, newId, ResultCaptured, ResultMasked } from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { ResultsConsumer } from './results.consumer';
import { ResultsService } from './results.service';

describe('ResultsConsumer', () => {
  afterEach(() => jest.restoreAllMocks());

  it('publishes one ResultMasked caused by the capture and logs counts, never values', async () => {
    const publish = jest.fn().mockResolvedValue(undefined);
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const consumer = new ResultsConsumer(new ResultsService(), { publish } as unknown as EventPublisher);
    const result = { columns: ['email'], rows: [['zed@example.com']], rowCount: 1, truncated: false };
    const actor = { subject: 'alice', issuer: 'dev', kind: 'agent' as const, actingParties: [], groups: [] };
    const captured = createEvent(ResultCaptured, {
      source: '/verity/gateway',
      actionId: newId(),
      sessionId: 'sess-1',
      actor,
      data: { profile: 'default', resultDigest: digestOf(result), result },
    });

    await consumer.onResultCaptured(captured);

    expect(publish).toHaveBeenCalledTimes(1);
    const [def, event] = publish.mock.calls[0];
    expect(def).toBe(ResultMasked);
    expect(event).toMatchObject({
      source: '/verity/masking',
      actionid: captured.actionid,
      sessionid: 'sess-1',
      causationid: captured.id,
      actor,
      data: { resultDigest: captured.data.resultDigest, result: { rows: [['[EMAIL]']] } },
    });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ actionId: captured.actionid, maskedValues: 1 }),
      'result masked',
    );
    expect(JSON.stringify(logged.mock.calls)).not.toContain('zed@example.com');
  });
});
