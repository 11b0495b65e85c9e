import { describeErrors } from '@verity/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateActionDto } from './create-action.dto';

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
});
