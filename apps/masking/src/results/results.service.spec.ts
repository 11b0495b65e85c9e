import {
  createEvent,
  digestOf,
  DomainError,
  newId,
  ResultCaptured,
  ResultMasked,
  validateEvent,
} from '@verity/contracts';
import { ResultsService } from './results.service';

const actor = { subject: 'alice', issuer: 'dev', kind: 'agent' as const, actingParties: [], groups: [] };
const service = new ResultsService();

/** A ResultCaptured as the consumer receives it: through the contract's validation. */
function captured(rows: unknown[][], profile = 'default') {
  const result = { columns: ['id', 'email', 'profile', 'notes'], rows, rowCount: rows.length, truncated: false };
  const event = createEvent(ResultCaptured, {
    source: '/verity/gateway',
    actionId: newId(),
    sessionId: 's-1',
    actor,
    data: { profile, resultDigest: digestOf(result), result },
  });
  const checked = validateEvent(ResultCaptured, JSON.parse(JSON.stringify(event)));
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  return checked.event.data;
}

describe('ResultsService', () => {
  it('masks every row and reports per field, keeping the result shape and digest', () => {
    const input = captured([
      [1, 'alice@example.com', { contact: { email: 'alice@work.example' } }, 'call me'],
      [2, 'bob@example.org', null, '{"cc": ["carol@example.net", "dave@example.net"]}'],
    ]);
    const masked = service.mask(input);
    expect(masked.resultDigest).toBe(input.resultDigest);
    expect(masked.result).toEqual({
      columns: ['id', 'email', 'profile', 'notes'],
      rows: [
        [1, '[EMAIL]', { contact: { email: '[EMAIL]' } }, 'call me'],
        [2, '[EMAIL]', null, '{"cc":["[EMAIL]","[EMAIL]"]}'],
      ],
      rowCount: 2,
      truncated: false,
    });
    expect(masked.report).toEqual({
      profile: 'default',
      maskedValues: 5,
      fields: [
        { field: 'email', entities: { email: 2 } },
        { field: 'profile.contact.email', entities: { email: 1 } },
        { field: 'notes.cc[]', entities: { email: 2 } },
      ],
    });
    const event = createEvent(ResultMasked, {
      source: '/verity/masking',
      actionId: newId(),
      sessionId: 's-1',
      actor,
      data: masked,
    });
    const checked = validateEvent(ResultMasked, JSON.parse(JSON.stringify(event)));
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });

  it('names cells beyond the column list by position', () => {
    const masked = service.mask(captured([[1, 'x', null, 'y', 'extra@example.com']]));
    expect(masked.report.fields).toEqual([{ field: '#5', entities: { email: 1 } }]);
  });

  it('refuses a profile it does not know', () => {
    expect(() => service.mask(captured([[1, 'a@b.io', null, null]], 'no-such-profile'))).toThrow(DomainError);
    expect(() => service.mask(captured([], 'no-such-profile'))).toThrow(
      expect.objectContaining({ code: 'MASKING.PROFILE_NOT_FOUND' }),
    );
  });
});
