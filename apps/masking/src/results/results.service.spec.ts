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
function captured(rows: unknown[][], profile = 'default', columns = ['id', 'email', 'profile', 'notes']) {
  const result = { columns, rows, rowCount: rows.length, truncated: false };
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

  describe('an HTTP response (one row: status, headers, body)', () => {
    const http = (headers: unknown, body: string) =>
      service.mask(captured([[200, headers, body]], 'default', ['status', 'headers', 'body'])).result.rows[0];

    it('masks a JSON body by key path: secret-named keys whole, PII anywhere, the rest kept', () => {
      const body = JSON.stringify({
        user: { name: 'x', email: 'ann@example.com', full_name: 'Ann Lee' },
        auth: { access_token: 'q8Zr2LmX0pVb7Nc4', token_type: 'bearer' },
        s3: { access_key_id: 'AKIAZ2QWERTY7UIOPASD' },
        id: 7,
      });
      const [, , masked] = http({ 'content-type': 'application/json' }, body);
      expect(JSON.parse(masked as string)).toEqual({
        user: { name: 'x', email: '[EMAIL]', full_name: '[PERSON]' },
        auth: { access_token: '[GENERIC_SECRET]', token_type: 'bearer' },
        s3: { access_key_id: '[AWS_ACCESS_KEY]' }, // the vendor shape names the kind, not the key name
        id: 7,
      });
    });

    it('masks a form-urlencoded body value by value, with the key as the field', () => {
      const [, , masked] = http(
        { 'content-type': 'application/x-www-form-urlencoded' },
        'user=ann%40example.com&password=hunter2!&card=4111+1111+1111+1111&plan=pro',
      );
      expect(new URLSearchParams(masked as string).getAll('password')).toEqual(['[PASSWORD]']);
      expect(Object.fromEntries(new URLSearchParams(masked as string))).toEqual({
        user: '[EMAIL]',
        password: '[PASSWORD]',
        card: '**** **** **** 1111',
        plan: 'pro',
      });
    });

    it('masks a text body and secret-named headers', () => {
      const [, headers, masked] = http(
        { authorization: 'Bearer q8Zr2LmX0pVb7Nc4wT', 'set-cookie': 'sid=3fK9qL2mZx8; HttpOnly' },
        'Hello Ann, your SSN 078-05-1123 is on file.',
      );
      expect(masked).toBe('Hello [PERSON], your SSN [US_SSN] is on file.');
      expect(headers).toEqual({ authorization: 'Bearer [API_KEY]', 'set-cookie': 'sid=[GENERIC_SECRET]; HttpOnly' });
    });

    it('keeps a body with nothing to mask byte for byte', () => {
      const body = '{ "ok" : true,\n "items": [1, 2] }';
      expect(http({}, body)[2]).toBe(body);
      expect(http({}, 'a=1&b=2')[2]).toBe('a=1&b=2');
    });
  });
});
