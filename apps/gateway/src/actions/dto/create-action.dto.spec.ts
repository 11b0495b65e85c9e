import { describeErrors } from '@verity/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateActionDto, toPayload } from './create-action.dto';

/** The same options as the global request validation pipe. */
function problems(body: unknown): string[] {
  const dto = plainToInstance(CreateActionDto, body);
  return describeErrors(
    validateSync(dto as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
  );
}

const VALID = {
  connection: 'demo-db',
  operation: 'sql.query',
  input: { sql: 'SELECT * FROM customers WHERE city = $1', params: ['Lisbon'] },
  sessionId: 'agent-session-1',
  agent: { step: 3, thought: 'I need the Lisbon customers', tool: 'sql', model: 'gpt-x' },
};

describe('CreateActionDto', () => {
  it('accepts a complete body', () => {
    expect(problems(VALID)).toEqual([]);
  });

  it('accepts the minimal body', () => {
    expect(problems({ connection: 'demo-db', operation: 'sql.query', input: { sql: 'SELECT 1' } })).toEqual([]);
  });

  it('rejects unknown fields at every level', () => {
    expect(problems({ ...VALID, user: 'root' })).toContain('user: property user should not exist');
    expect(problems({ ...VALID, input: { ...VALID.input, database: 'x' } })).toContain(
      'input.database: property database should not exist',
    );
    expect(problems({ ...VALID, agent: { mood: 'happy' } })).toContain('agent.mood: property mood should not exist');
  });

  it('names each missing or wrong field', () => {
    const found = problems({ connection: 'Demo DB', operation: 'sql.exec', input: { sql: '' } });
    expect(found).toEqual(
      expect.arrayContaining([
        'connection: connection must be a registered connection name',
        expect.stringMatching(/^operation: /),
        'input.sql: sql should not be empty',
      ]),
    );
    expect(problems({ connection: 'demo-db', operation: 'sql.query' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^input: /)]),
    );
  });

  it('checks types and limits of the optional parts', () => {
    expect(problems({ ...VALID, input: { sql: 'SELECT 1', params: 'x' } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^input.params: /)]),
    );
    expect(problems({ ...VALID, input: { sql: 'SELECT 1', params: new Array(1001).fill(1) } })).toEqual([
      expect.stringMatching(/^input.params: .*1000/),
    ]);
    expect(problems({ ...VALID, agent: { step: -1 } })).toEqual([expect.stringMatching(/^agent.step: /)]);
    expect(problems({ ...VALID, agent: { step: 1.5 } })).toEqual([expect.stringMatching(/^agent.step: /)]);
    expect(problems({ ...VALID, sessionId: 'has spaces' })).toEqual([expect.stringMatching(/^sessionId: /)]);
    expect(problems({ ...VALID, input: { sql: 'x'.repeat(100_001) } })).toEqual([
      expect.stringMatching(/^input.sql: /),
    ]);
  });

  it('rejects non-object input and agent', () => {
    expect(problems({ ...VALID, input: 'SELECT 1' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^input: /)]),
    );
    expect(problems({ ...VALID, agent: [1] })).toEqual(expect.arrayContaining([expect.stringMatching(/^agent: /)]));
  });

  describe('http.request', () => {
    const HTTP = {
      connection: 'payments-api',
      operation: 'http.request',
      input: {
        method: 'POST',
        path: '/v1/refunds',
        query: { dryRun: 'true', tag: ['a', 'b'] },
        headers: { 'Idempotency-Key': 'abc-123', accept: 'application/json' },
        body: { orderId: 42, reason: 'duplicate' },
      },
    };

    it('accepts a complete and a minimal request', () => {
      expect(problems(HTTP)).toEqual([]);
      expect(problems({ ...HTTP, input: { method: 'GET', path: '/' } })).toEqual([]);
    });

    it('validates input by operation', () => {
      expect(problems({ ...HTTP, operation: 'sql.query' })).toEqual(
        expect.arrayContaining([
          'input.sql: sql should not be empty',
          'input.method: property method should not exist',
        ]),
      );
      expect(problems({ ...HTTP, input: { sql: 'SELECT 1' } })).toEqual(
        expect.arrayContaining([expect.stringMatching(/^input.method: /), expect.stringMatching(/^input.path: /)]),
      );
    });

    it('names the part at fault', () => {
      expect(problems({ ...HTTP, input: { ...HTTP.input, method: 'TRACE' } })).toEqual([
        expect.stringMatching(/^input.method: /),
      ]);
      expect(problems({ ...HTTP, input: { ...HTTP.input, path: '/../admin' } })).toEqual([
        expect.stringMatching(/^input.path: /),
      ]);
      expect(problems({ ...HTTP, input: { ...HTTP.input, headers: { Authorization: 'Bearer x' } } })).toEqual([
        expect.stringMatching(/^input.headers: /),
      ]);
      expect(problems({ ...HTTP, input: { ...HTTP.input, query: { a: 1 } } })).toEqual([
        expect.stringMatching(/^input.query: /),
      ]);
    });

    it('keeps the free-form parts exactly as sent, keys named like Object.prototype members included', () => {
      const body = JSON.parse('{"toString":"x","valueOf":[1],"hasOwnProperty":{"isPrototypeOf":2}}');
      const query = JSON.parse('{"toString":["1"],"hasOwnProperty":"y"}');
      const dto = plainToInstance(CreateActionDto, { ...HTTP, input: { method: 'POST', path: '/x', query, body } });
      const input = dto.input as unknown as Record<string, unknown>;
      expect(JSON.stringify(input.body)).toBe(JSON.stringify(body));
      expect(JSON.stringify(input.query)).toBe(JSON.stringify(query));
      // And a header that only looked valid because its key vanished is refused.
      expect(problems({ ...HTTP, input: { ...HTTP.input, headers: JSON.parse('{"valueOf":[]}') } })).toEqual([
        expect.stringMatching(/^input.headers: /),
      ]);
    });

    it('builds the recorded payload with only the parts given', () => {
      expect(toPayload('http.request', { method: 'GET', path: '/a' })).toEqual({ method: 'GET', path: '/a' });
      expect(toPayload('http.request', HTTP.input as never)).toEqual(HTTP.input);
      expect(toPayload('sql.query', { sql: 'SELECT 1' })).toEqual({ sql: 'SELECT 1', params: [] });
    });
  });
});
