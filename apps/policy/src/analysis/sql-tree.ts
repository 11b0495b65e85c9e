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

class TreeWalk {
  readonly statements: StatementNode[] = [];
  readonly read = new Set<string>();
  private readonly stack: Frame[] = [];
  /** Stands above each top-level statement, so that statement is not marked nested. */
  private readonly batch: StatementNode = { kind: '', nested: false, flags: new Set(), written: new Set() };

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
      this.descend(node.fields, { ...frame, owner: node });
    }
  }

  private statement(kind: string, fields: Fields, frame: Frame): void {
    const statement: StatementNode = {
      kind,
      nested: frame.statement !== this.batch,
      flags: new Set(),
      written: new Set(),
    };
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
  return {
    statementKinds: limited(kinds),
    tablesRead: limited(walk.read),
    tablesWritten: limited(walk.statements.flatMap((s) => [...s.written])),
    readOnly: stmts.length > 0 && violations.length === 0,
    writes: violations.map(describe),
  };
}
