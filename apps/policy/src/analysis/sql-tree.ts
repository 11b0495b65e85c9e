/**
 * Reads facts from a libpg_query parse tree (the JSON form of PostgreSQL's raw parse tree).
 *
 * The walk is generic: it visits every node of every statement, whatever its shape, so a
 * statement kind nobody listed here is still seen (and, not being a plain SELECT, is not
 * read-only). Two shapes occur in the JSON: a node in a generic position is wrapped as
 * `{ "Kind": { ...fields } }`; a field whose C type is a specific struct (e.g. the `relation`
 * of a DELETE, the arms of a UNION) holds the bare fields. The walk relies on that:
 *
 * - a wrapped `RangeVar` (FROM items, USING, MERGE's source…) is a table read, unless it is
 *   the direct operand of a non-query statement (TRUNCATE t, LOCK t, GRANT … ON t), which
 *   acts on the table itself;
 * - a bare RangeVar is a write target (INSERT/UPDATE/DELETE/MERGE `relation`, SELECT INTO,
 *   CREATE/ALTER/… of a relation), except COPY … TO, LIKE t and REFERENCES t, which read.
 *
 * The walk is iterative, so a deeply nested tree cannot exhaust the call stack.
 */

export interface SqlFacts {
  /** Kinds of the top-level statements, each once, in order of appearance. */
  statementKinds: string[];
  tablesRead: string[];
  tablesWritten: string[];
  /** True only when there is at least one statement and every one is a plain SELECT. */
  readOnly: boolean;
  /** What is not read-only, e.g. `DeleteStmt on customers`; empty when read-only. */
  writes: string[];
  /** The classes of every statement node (nested ones too), each once, strictest last. */
  classes: SqlClass[];
  /** What was found per class, e.g. `{ write: ['DeleteStmt without WHERE on customers'] }`. */
  findings: Partial<Record<SqlClass, string[]>>;
  /** Every function called, as written (schema-qualified when the SQL qualifies it), lower case. */
  functions: string[];
  /** Tables a DELETE / UPDATE without a WHERE clause acts on. */
  deleteWithoutWhere: string[];
  updateWithoutWhere: string[];
  /** Number of top-level statements. */
  statementCount: number;
}

/** What a statement does, from least to most powerful. */
export const SQL_CLASSES = ['read', 'write', 'ddl', 'admin'] as const;
export type SqlClass = (typeof SQL_CLASSES)[number];

const WRITE_STATEMENTS = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
/** Schema changes. Anything neither read, write nor listed here is `admin` (the strictest). */
const DDL_STATEMENTS = new Set([
  'CreateStmt',
  'CreateTableAsStmt',
  'AlterTableStmt',
  'DropStmt',
  'RenameStmt',
  'CommentStmt',
  'IndexStmt',
  'ViewStmt',
  'TruncateStmt',
  'DefineStmt',
  'CompositeTypeStmt',
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
  'RefreshMatViewStmt',
  'CreateSchemaStmt',
  'CreateFunctionStmt',
  'CreateTrigStmt',
  'CreateDomainStmt',
  'AlterDomainStmt',
  'AlterObjectSchemaStmt',
  'CreatePolicyStmt',
]);
/**
 * Built-in functions with side effects, and the class a call to one gives its statement.
 * A user-defined function may write too: the analysis cannot see into it (it lists its name in
 * `functions`), so the gateway's read-only transaction is what stops it.
 */
const SIDE_EFFECT_FUNCTIONS: Record<string, SqlClass> = {
  nextval: 'write',
  setval: 'write',
  lo_create: 'write',
  lo_unlink: 'write',
  lo_put: 'write',
  lo_from_bytea: 'write',
  txid_current: 'write',
  pg_current_xact_id: 'write',
  lo_truncate: 'write',
  lo_truncate64: 'write',
  lowrite: 'write',
  pg_advisory_lock: 'write',
  pg_advisory_xact_lock: 'write',
  pg_advisory_lock_shared: 'write',
  pg_advisory_xact_lock_shared: 'write',
  pg_try_advisory_lock: 'write',
  pg_try_advisory_xact_lock: 'write',
  pg_try_advisory_lock_shared: 'write',
  pg_try_advisory_xact_lock_shared: 'write',
  // These run SQL text given as a string, which the analysis cannot see into.
  query_to_xml: 'admin',
  query_to_xmlschema: 'admin',
  query_to_xml_and_xmlschema: 'admin',
  ts_stat: 'admin',
  set_config: 'admin',
  pg_terminate_backend: 'admin',
  pg_cancel_backend: 'admin',
  pg_reload_conf: 'admin',
  pg_rotate_logfile: 'admin',
  pg_read_file: 'admin',
  pg_read_binary_file: 'admin',
  pg_ls_dir: 'admin',
  pg_stat_file: 'admin',
  lo_import: 'admin',
  lo_export: 'admin',
  dblink: 'admin',
  dblink_exec: 'admin',
  dblink_connect: 'admin',
  dblink_send_query: 'admin',
  pg_switch_wal: 'admin',
  pg_create_restore_point: 'admin',
  pg_promote: 'admin',
  pg_logical_emit_message: 'admin',
  pg_create_logical_replication_slot: 'admin',
  pg_create_physical_replication_slot: 'admin',
  pg_drop_replication_slot: 'admin',
  pg_notify: 'admin',
  pg_ls_logdir: 'admin',
  pg_ls_waldir: 'admin',
  pg_ls_tmpdir: 'admin',
  pg_ls_archive_statusdir: 'admin',
  pg_stat_reset: 'admin',
  pg_stat_reset_shared: 'admin',
  pg_stat_reset_single_table_counters: 'admin',
  pg_stat_reset_single_function_counters: 'admin',
  pg_stat_reset_slru: 'admin',
  pg_import_system_collations: 'admin',
  pg_logical_slot_get_changes: 'admin',
  pg_logical_slot_get_binary_changes: 'admin',
  pg_replication_slot_advance: 'admin',
  pg_copy_logical_replication_slot: 'admin',
  pg_copy_physical_replication_slot: 'admin',
  pg_file_write: 'admin',
  pg_file_rename: 'admin',
  pg_file_unlink: 'admin',
  pg_backup_start: 'admin',
  pg_backup_stop: 'admin',
  pg_wal_replay_pause: 'admin',
  pg_wal_replay_resume: 'admin',
};

function stricter(a: SqlClass, b: SqlClass): SqlClass {
  return SQL_CLASSES.indexOf(a) >= SQL_CLASSES.indexOf(b) ? a : b;
}

/** The contract caps every list at 1000 entries; the verdict itself never depends on the cap. */
export const MAX_LISTED = 1000;

type Fields = Record<string, unknown>;

/** What one statement node (top-level or nested) was found to do. */
interface StatementNode {
  kind: string;
  nested: boolean;
  flags: Set<string>;
  written: Set<string>;
  /** The class the statement has on its own, raised by side-effect function calls. */
  cls: SqlClass;
  /** DELETE / UPDATE with no WHERE clause. */
  whereless: boolean;
  /**
   * A nested `VALUES (…)` list (e.g. an INSERT's rows): it reads nothing, so it adds no `read`
   * class of its own. Subqueries inside it are statements of their own and still count.
   */
  valuesList: boolean;
}

interface Frame {
  value: unknown;
  /** The nearest wrapped node above `value`. */
  owner: { kind: string; fields: Fields };
  /** The nearest statement node above `value`. */
  statement: StatementNode;
  /** Names of the common table expressions visible here. */
  ctes: ReadonlySet<string>;
}

/** Statements whose wrapped RangeVars are the relations they query. */
const QUERY_STATEMENTS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** Nodes whose bare RangeVar is read, not written: `LIKE t`, `REFERENCES t`. */
const READING_OWNERS = new Set(['TableLikeClause', 'Constraint']);

/** DROP of these object types removes relations; their names count as written. */
const RELATION_DROPS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_FOREIGN_TABLE',
  'OBJECT_SEQUENCE',
  'OBJECT_INDEX',
]);

const LOCK_STRENGTHS: Record<string, string> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ "Kind": {...} }` → the kind and its fields; undefined for a bare struct. */
function unwrap(value: Fields): { kind: string; fields: Fields } | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || !/^[A-Z]/.test(keys[0])) return undefined;
  const fields = value[keys[0]];
  return isFields(fields) ? { kind: keys[0], fields } : undefined;
}

/** An identifier as PostgreSQL would print it: quoted unless it is plain lower case. */
function identifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function relationName(rangeVar: Fields): string {
  return [rangeVar.catalogname, rangeVar.schemaname, rangeVar.relname]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .map(identifier)
    .join('.');
}

/** The names in a DROP's `objects`: each a List of String parts. */
function droppedNames(fields: Fields): string[] {
  if (!RELATION_DROPS.has(String(fields.removeType)) || !Array.isArray(fields.objects)) return [];
  return fields.objects.flatMap((object) => {
    const items = isFields(object) && isFields(object.List) ? object.List.items : undefined;
    if (!Array.isArray(items)) return [];
    const parts = items.map((item) => (isFields(item) && isFields(item.String) ? item.String.sval : undefined));
    return parts.every((p): p is string => typeof p === 'string') ? [parts.map(identifier).join('.')] : [];
  });
}

/** Tables named in one finding; the full list is in `tablesWritten`. */
const TABLES_PER_FINDING = 5;

function describe(statement: StatementNode): string {
  const flags = statement.flags.size > 0 ? ` with ${[...statement.flags].join(', ')}` : '';
  const tables = [...statement.written];
  const more = tables.length > TABLES_PER_FINDING ? ` and ${tables.length - TABLES_PER_FINDING} more` : '';
  const on = tables.length > 0 ? ` on ${tables.slice(0, TABLES_PER_FINDING).join(', ')}${more}` : '';
  return `${statement.kind}${flags}${on}${statement.nested ? ' (nested)' : ''}`;
}

function isViolation(statement: StatementNode): boolean {
  return statement.kind !== 'SelectStmt' || statement.flags.size > 0;
}

/** The class of a statement node from its kind and clauses (function calls may raise it later). */
function statementClass(kind: string, fields: Fields): SqlClass {
  if (kind === 'SelectStmt') {
    if (fields.intoClause) return 'ddl';
    return Array.isArray(fields.lockingClause) && fields.lockingClause.length > 0 ? 'write' : 'read';
  }
  if (WRITE_STATEMENTS.has(kind)) return 'write';
  if (kind === 'CopyStmt') return fields.is_program === true || typeof fields.filename === 'string' ? 'admin' : 'write';
  return DDL_STATEMENTS.has(kind) ? 'ddl' : 'admin';
}

class TreeWalk {
  readonly statements: StatementNode[] = [];
  readonly read = new Set<string>();
  private readonly stack: Frame[] = [];
  /** Stands above each top-level statement, so that statement is not marked nested. */
  private readonly batch: StatementNode = {
    kind: '',
    nested: false,
    flags: new Set(),
    written: new Set(),
    cls: 'read',
    whereless: false,
    valuesList: false,
  };
  readonly functions = new Set<string>();

  run(statement: Fields): void {
    this.stack.push({ value: statement, owner: { kind: '', fields: {} }, statement: this.batch, ctes: new Set() });
    for (let frame = this.stack.pop(); frame; frame = this.stack.pop()) this.visit(frame);
  }

  private visit(frame: Frame): void {
    const { value } = frame;
    if (Array.isArray(value)) {
      this.push(value.map((item) => ({ ...frame, value: item })));
      return;
    }
    if (!isFields(value)) return;
    const node = unwrap(value);
    if (!node) {
      if (typeof value.relname === 'string') this.bareRangeVar(value, frame);
      else this.descend(value, frame);
    } else if (node.kind === 'RangeVar') {
      this.wrappedRangeVar(node.fields, frame);
    } else if (node.kind.endsWith('Stmt')) {
      this.statement(node.kind, node.fields, frame);
    } else {
      if (node.kind === 'FuncCall') this.functionCall(node.fields, frame);
      this.descend(node.fields, { ...frame, owner: node });
    }
  }

  private statement(kind: string, fields: Fields, frame: Frame): void {
    const statement: StatementNode = {
      kind,
      nested: frame.statement !== this.batch,
      flags: new Set(),
      written: new Set(),
      cls: statementClass(kind, fields),
      whereless: (kind === 'DeleteStmt' || kind === 'UpdateStmt') && !fields.whereClause,
      valuesList: kind === 'SelectStmt' && frame.statement !== this.batch && Array.isArray(fields.valuesLists),
    };
    if (kind === 'CopyStmt' && fields.is_program === true) statement.flags.add('PROGRAM');
    else if (kind === 'CopyStmt' && typeof fields.filename === 'string') statement.flags.add('a server file');
    if (statement.whereless) statement.flags.add('no WHERE');
    this.statements.push(statement);
    if (kind === 'DropStmt') for (const name of droppedNames(fields)) statement.written.add(name);
    this.descend(fields, { ...frame, owner: { kind, fields }, statement });
  }

  /** Pushes the fields of a node (wrapped or bare), noting INTO, locking clauses and CTE scopes. */
  private descend(fields: Fields, frame: Frame): void {
    if (fields.intoClause) frame.statement.flags.add('INTO');
    if (Array.isArray(fields.lockingClause)) {
      for (const clause of fields.lockingClause) {
        const strength = isFields(clause) && isFields(clause.LockingClause) ? clause.LockingClause.strength : undefined;
        frame.statement.flags.add(LOCK_STRENGTHS[String(strength)] ?? 'a locking clause');
      }
    }
    const withClause = isFields(fields.withClause) ? fields.withClause : undefined;
    const ctes = withClause && Array.isArray(withClause.ctes) ? withClause.ctes : [];
    const names = ctes.map((cte) =>
      isFields(cte) && isFields(cte.CommonTableExpr) ? String(cte.CommonTableExpr.ctename) : '',
    );
    const inScope = names.length > 0 ? new Set([...frame.ctes, ...names]) : frame.ctes;
    // A CTE sees the ones before it; WITH RECURSIVE lets each see all of them.
    const cteFrames = ctes.map((cte, i) => {
      const visible = withClause?.recursive === true ? inScope : new Set([...frame.ctes, ...names.slice(0, i)]);
      return { ...frame, value: cte, ctes: visible };
    });
    const fieldFrames = Object.entries(fields)
      .filter(([key]) => key !== 'withClause' || ctes.length === 0)
      .map(([, child]) => ({ ...frame, value: child, ctes: inScope }));
    this.push([...cteFrames, ...fieldFrames]);
  }

  /** Records the function's name; a built-in with side effects raises its statement's class. */
  private functionCall(fields: Fields, frame: Frame): void {
    const parts = Array.isArray(fields.funcname)
      ? fields.funcname.map((p) => (isFields(p) && isFields(p.String) ? String(p.String.sval) : ''))
      : [];
    const name = parts[parts.length - 1]?.toLowerCase();
    if (!name) return;
    this.functions.add(parts.map((p) => p.toLowerCase()).join('.'));
    const effect = SIDE_EFFECT_FUNCTIONS[name];
    if (effect && (parts.length === 1 || parts[0].toLowerCase() === 'pg_catalog' || effect === 'admin')) {
      frame.statement.flags.add(`${name}()`);
      frame.statement.cls = stricter(frame.statement.cls, effect);
    }
  }

  /** Pushes in reverse, so siblings are visited in order and tables are listed as written. */
  private push(frames: Frame[]): void {
    for (let i = frames.length - 1; i >= 0; i--) this.stack.push(frames[i]);
  }

  private wrappedRangeVar(fields: Fields, frame: Frame): void {
    const name = relationName(fields);
    const ownerIsStatement = frame.owner.kind.endsWith('Stmt');
    if (ownerIsStatement && !QUERY_STATEMENTS.has(frame.owner.kind)) {
      frame.statement.written.add(name);
    } else if (!fields.schemaname && !fields.catalogname && frame.ctes.has(String(fields.relname))) {
      return; // a reference to a common table expression, not a table
    } else {
      this.read.add(name);
    }
  }

  private bareRangeVar(fields: Fields, frame: Frame): void {
    const name = relationName(fields);
    const { kind, fields: owner } = frame.owner;
    const reads = READING_OWNERS.has(kind) || (kind === 'CopyStmt' && owner.is_from !== true);
    if (reads) this.read.add(name);
    else frame.statement.written.add(name);
  }
}

function limited(values: Iterable<string>): string[] {
  return [...new Set(values)].slice(0, MAX_LISTED);
}

/** Facts about a whole batch: `parseResult` is what libpg_query's parse returns. */
export function analyseParseTree(parseResult: unknown): SqlFacts {
  const stmts = isFields(parseResult) && Array.isArray(parseResult.stmts) ? parseResult.stmts : [];
  const walk = new TreeWalk();
  const kinds: string[] = [];
  for (const raw of stmts) {
    const statement = isFields(raw) && isFields(raw.stmt) ? unwrap(raw.stmt) : undefined;
    if (!statement?.kind.endsWith('Stmt')) throw new Error('unexpected parse tree: an entry without a statement');
    kinds.push(statement.kind);
    walk.run(raw.stmt as Fields);
  }
  const violations = walk.statements.filter(isViolation);
  const classes = SQL_CLASSES.filter((c) =>
    walk.statements.some((s) => s.cls === c && !(s.valuesList && c === 'read')),
  );
  const findings: Partial<Record<SqlClass, string[]>> = {};
  for (const statement of violations) (findings[statement.cls] ??= []).push(describe(statement));
  const whereless = (kind: string) =>
    limited(walk.statements.filter((s) => s.whereless && s.kind === kind).flatMap((s) => [...s.written]));
  return {
    statementKinds: limited(kinds),
    tablesRead: limited(walk.read),
    tablesWritten: limited(walk.statements.flatMap((s) => [...s.written])),
    readOnly: stmts.length > 0 && violations.length === 0,
    writes: violations.map(describe),
    classes,
    findings,
    functions: limited(walk.functions),
    deleteWithoutWhere: whereless('DeleteStmt'),
    updateWithoutWhere: whereless('UpdateStmt'),
    statementCount: stmts.length,
  };
}
