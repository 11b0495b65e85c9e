import { ResultSetV1 } from '@verity/contracts';
import { parseSync } from 'libpg-query';
import { ColumnDescription } from './pg-messages';

/** One statement of a query string, with the command tag its CommandComplete carries. */
export interface Statement {
  sql: string;
  /** `SELECT`, `INSERT`, `UPDATE` …: the first word of the CommandComplete tag. */
  command: string;
  /** The parse tree's statement node (`SelectStmt`, `CopyStmt` …); empty when it did not parse. */
  kind: string;
}

interface RawStmt {
  stmt?: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

const COMMANDS: Record<string, string> = {
  SelectStmt: 'SELECT',
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  ExplainStmt: 'EXPLAIN',
  VariableShowStmt: 'SHOW',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'SELECT',
};

const firstWord = (sql: string) => /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'OK';

/**
 * The statements of a simple Query, split with PostgreSQL's own parser (libpg_query, as policy
 * uses). Offsets are in bytes of the UTF-8 text. A string with one statement is kept exactly as
 * sent, so the action records what the client wrote; one the parser refuses is one statement
 * (policy sees the same text and decides on it). Empty (only `;`, spaces or comments): none.
 */
export function splitStatements(sql: string): Statement[] {
  let stmts: RawStmt[];
  try {
    stmts = (parseSync(sql) as { stmts?: RawStmt[] }).stmts ?? [];
  } catch {
    return [{ sql, command: firstWord(sql), kind: '' }];
  }
  const of = (s: RawStmt, text: string): Statement => {
    const kind = Object.keys(s.stmt ?? {})[0] ?? '';
    return { sql: text, command: COMMANDS[kind] ?? firstWord(text), kind };
  };
  if (stmts.length <= 1) return stmts.map((s) => of(s, sql));
  const bytes = Buffer.from(sql, 'utf8');
  return stmts.map((s) => {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    return of(s, bytes.toString('utf8', start, end).trim());
  });
}

/** The highest `$n` in a statement (0 when none); undefined when it does not parse. */
export function parameterCount(sql: string): number | undefined {
  let max = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'ParamRef') max = Math.max(max, Number((value as { number?: number }).number ?? 0));
      walk(value);
    }
  };
  try {
    walk(parseSync(sql));
  } catch {
    return undefined;
  }
  return max;
}

/** The CommandComplete tag, as PostgreSQL writes it (`INSERT 0 n`, `SELECT n` …). */
export function commandTag(command: string, result: ResultSetV1): string {
  if (command === 'INSERT') return `INSERT 0 ${result.rowCount}`;
  if (['SELECT', 'UPDATE', 'DELETE', 'MERGE', 'FETCH', 'MOVE', 'COPY'].includes(command)) {
    return `${command} ${result.rowCount}`;
  }
  return command;
}

const TEXT: Omit<ColumnDescription, 'name'> = { typeOid: 25, typeSize: -1 };
const INT4 = { typeOid: 23, typeSize: 4 };
const INT8 = { typeOid: 20, typeSize: 8 };
const FLOAT8 = { typeOid: 701, typeSize: 8 };
const BOOL = { typeOid: 16, typeSize: 1 };
const JSON_TYPE = { typeOid: 114, typeSize: -1 };

const INT4_MAX = 2_147_483_647;

function typeOfValue(value: unknown): Omit<ColumnDescription, 'name'> {
  switch (typeof value) {
    case 'boolean':
      return BOOL;
    case 'number':
      if (!Number.isInteger(value)) return FLOAT8;
      return Math.abs(value) <= INT4_MAX ? INT4 : INT8;
    case 'object':
      return JSON_TYPE;
    default:
      return TEXT;
  }
}

/**
 * Column types from the masked result itself (the wire answer carries what masking returned,
 * which is JSON): a column whose non-null values are all integers is int4 (int8 past its range),
 * numbers float8, booleans bool, objects and arrays json; anything else, mixed, or all null: text.
 * A masked value is a string, so a masked column is text.
 */
export function describeColumns(result: ResultSetV1): ColumnDescription[] {
  return result.columns.map((name, i) => {
    let type: Omit<ColumnDescription, 'name'> | undefined;
    for (const row of result.rows) {
      const value = row[i];
      if (value === null || value === undefined) continue;
      let next = typeOfValue(value);
      if (type && type !== next) {
        const numeric = [INT4, INT8, FLOAT8];
        if (numeric.includes(type) && numeric.includes(next)) next = type === FLOAT8 || next === FLOAT8 ? FLOAT8 : INT8;
        else return { name, ...TEXT };
      }
      type = next;
    }
    return { name, ...(type ?? TEXT) };
  });
}

/** A JSON value in PostgreSQL's text format for the column's type. */
export function textValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
