import { DomainError } from '@verity/contracts';
import { loadModule } from 'libpg-query';
import { errorFromDomain, pendingReviewError } from './pg-errors';
import { commandTag, describeColumns, parameterCount, splitStatements, textValue } from './pg-sql';

beforeAll(() => loadModule());

describe('splitStatements', () => {
  it('keeps a single statement exactly as sent', () => {
    expect(splitStatements('SELECT 1;')).toEqual([{ sql: 'SELECT 1;', command: 'SELECT', kind: 'SelectStmt' }]);
  });

  it('splits several statements, multi-byte text included, and names their kinds', () => {
    expect(splitStatements("SELECT 'ü'; DELETE FROM t WHERE a = 'é';COPY t TO STDOUT")).toEqual([
      { sql: "SELECT 'ü'", command: 'SELECT', kind: 'SelectStmt' },
      { sql: "DELETE FROM t WHERE a = 'é'", command: 'DELETE', kind: 'DeleteStmt' },
      { sql: 'COPY t TO STDOUT', command: 'COPY', kind: 'CopyStmt' },
    ]);
    expect(splitStatements('BEGIN')[0].kind).toBe('TransactionStmt');
  });

  it('has nothing for an empty string, and one statement for SQL the parser refuses', () => {
    expect(splitStatements(' ; -- nothing')).toEqual([]);
    expect(splitStatements('SELEC 1; x')).toEqual([{ sql: 'SELEC 1; x', command: 'SELEC', kind: '' }]);
  });
});

describe('results on the wire', () => {
  it('counts $n parameters', () => {
    expect(parameterCount('SELECT * FROM t WHERE a = $1 AND b = $3')).toBe(3);
    expect(parameterCount('SELECT 1')).toBe(0);
    expect(parameterCount('SELEC $1')).toBeUndefined();
  });

  it('writes PostgreSQL command tags', () => {
    const result = (rowCount: number) => ({ columns: [], rows: [], rowCount, truncated: false });
    expect(commandTag('INSERT', result(2))).toBe('INSERT 0 2');
    expect(commandTag('SELECT', result(5))).toBe('SELECT 5');
    expect(commandTag('CREATE TABLE', result(0))).toBe('CREATE TABLE');
  });

  it('derives column types from the masked values; masked and mixed columns are text', () => {
    const columns = describeColumns({
      columns: ['id', 'big', 'ratio', 'ok', 'doc', 'email', 'mixed', 'empty'],
      rows: [
        [1, 3_000_000_000, 1, true, { a: 1 }, '[EMAIL]', 1, null],
        [2, 4, 0.5, false, [1], '[EMAIL]', 'x', null],
      ],
      rowCount: 2,
      truncated: false,
    });
    expect(columns.map((c) => [c.name, c.typeOid])).toEqual([
      ['id', 23],
      ['big', 20],
      ['ratio', 701],
      ['ok', 16],
      ['doc', 114],
      ['email', 25],
      ['mixed', 25],
      ['empty', 25],
    ]);
    expect([true, false, { a: 1 }, 1.5, null, 'x'].map(textValue)).toEqual(['t', 'f', '{"a":1}', '1.5', null, 'x']);
  });
});

describe('errors as SQLSTATEs', () => {
  it('maps a denial to 42501 with the reasons, the action and the policies', () => {
    const fields = errorFromDomain(
      new DomainError('POLICY.DENIED', 'policy denied the action', {
        actionId: 'a1',
        reasons: ['r1', 'r2'],
        policyIds: ['p'],
      }),
    );
    expect(fields).toEqual({
      severity: 'ERROR',
      sqlState: '42501',
      message: 'policy denied the action: r1; r2',
      detail: 'Verity code POLICY.DENIED; action a1; policies p',
    });
  });

  it("keeps the target's SQLSTATE for a rejected statement, and falls back to XX000", () => {
    expect(
      errorFromDomain(new DomainError('TARGET.QUERY_REJECTED', 'no such table', { sqlState: '42P01' })).sqlState,
    ).toBe('42P01');
    expect(errorFromDomain(new DomainError('TARGET.TIMEOUT', 'slow')).sqlState).toBe('57014');
    expect(errorFromDomain(new DomainError('SOMETHING.NEW', 'x')).sqlState).toBe('XX000');
  });

  it('answers a held statement with 55000 and where to follow it', () => {
    expect(pendingReviewError('a9')).toMatchObject({
      sqlState: '55000',
      message: expect.stringContaining('a9'),
      hint: expect.stringContaining('GET /v1/actions/a9'),
    });
  });
});
