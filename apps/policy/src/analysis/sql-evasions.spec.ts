// Security catalogue (docs/security.md): ways to hide a write, DDL or an administrative call
// from the classification, beyond the cases of sql-analysis.service.spec.ts. Every one must be
// seen for what PostgreSQL would run.
import { SqlAnalysisService, SqlOutcome } from './sql-analysis.service';

const service = new SqlAnalysisService();
beforeAll(() => service.onModuleInit());

function analysed(sql: string): Extract<SqlOutcome, { parsed: true }>['analysis'] {
  const outcome = service.analyse(sql);
  if (!outcome.parsed) throw new Error(`expected ${sql} to parse: ${outcome.error}`);
  return outcome.analysis;
}

describe('SQL classification evasions', () => {
  it.each([
    // Quoting and comments: what PostgreSQL reads as text or comment stays text or comment …
    ['dollar-quoted text that looks like a statement', 'SELECT $a$ $$; DELETE FROM t; $$ $a$', ['read']],
    ['an E-string whose quote is escaped', "SELECT E'\\'; DELETE FROM customers; --'", ['read']],
    ['a nested block comment', '/* /* */ DELETE FROM t */ SELECT 1', ['read']],
    // … and what it runs is classified, however it is wrapped.
    [
      'a statement between two dollar-quoted strings',
      'SELECT $$ $$; DELETE FROM customers; SELECT $$ $$',
      ['read', 'write'],
    ],
    [
      'a backslash that does not escape (standard_conforming_strings)',
      "SELECT '\\'; DELETE FROM customers; --'",
      ['read', 'write'],
    ],
    ['a write after a closed nested comment', '/* /* */ */ DELETE FROM t', ['write']],
    ['a line comment that ends before the statement', 'SELECT 1 -- \n; DROP TABLE t', ['read', 'ddl']],
    ['mixed case and odd whitespace', 'SeLeCt 1;dElEtE\tfrom\ncustomers', ['read', 'write']],
    [
      'a data-modifying CTE inside EXISTS',
      'SELECT 1 WHERE EXISTS (WITH d AS (DELETE FROM t RETURNING 1) SELECT 1 FROM d)',
      ['read', 'write'],
    ],
    [
      'a MATERIALIZED data-modifying CTE',
      'WITH x AS MATERIALIZED (UPDATE t SET a = 1 RETURNING 1) SELECT 1',
      ['read', 'write'],
    ],
    ['COPY of a DELETE … RETURNING', 'COPY (DELETE FROM t RETURNING *) TO STDOUT', ['write']],
    ['FOR UPDATE NOWAIT', 'SELECT * FROM customers FOR UPDATE NOWAIT', ['write']],
    ['FOR UPDATE OF a table', 'SELECT * FROM t FOR UPDATE OF t', ['write']],
    ['COMMIT in the middle of a batch', 'SELECT 1; COMMIT; DROP TABLE t', ['read', 'ddl', 'admin']],
    // Functions with side effects, however their name is written.
    ['a quoted, qualified setval', 'SELECT "pg_catalog"."setval"(\'s\', 1)', ['write']],
    ['an upper-case setval', "SELECT PG_CATALOG.SETVAL('s', 1)", ['write']],
    ['a Unicode-escaped setval', 'SELECT U&"set\\0076al"(\'s\', 1)', ['write']],
    ['setval in a scalar subquery', "SELECT (SELECT setval('s', 1))", ['read', 'write']],
    ['nextval as a LATERAL function', "SELECT x FROM LATERAL nextval('s') x", ['write']],
    ['a large-object delete', 'SELECT lo_unlink(1)', ['write']],
    ['a transaction id (it assigns one)', 'SELECT txid_current()', ['write']],
    ['an advisory lock', 'SELECT pg_advisory_lock(1)', ['write']],
    ['a large-object import from a server file', "SELECT lo_import('/etc/passwd')", ['admin']],
    ['reading a server file', "SELECT pg_read_file('/etc/passwd')", ['admin']],
    ['set_config of the role', "SELECT set_config('role', 'admin', false)", ['admin']],
    ['pg_notify', "SELECT pg_notify('c', 'x')", ['admin']],
    ['dblink in FROM', "SELECT * FROM dblink('host=x', 'DELETE FROM t') AS t(a int)", ['admin']],
    ['a qualified pg_terminate_backend', 'SELECT pg_catalog.pg_terminate_backend(1)', ['admin']],
  ])('%s', (_name, sql, classes) => {
    const analysis = analysed(sql);
    expect(analysis.classes).toEqual(classes);
    expect(analysis.readOnly).toBe(classes.length === 1 && classes[0] === 'read');
  });

  it('refuses to parse a batch separated by a no-break space rather than guess', () => {
    const outcome = service.analyse('SELECT * FROM customers;\u00a0DELETE FROM customers');
    expect(outcome.parsed).toBe(false);
  });
});
