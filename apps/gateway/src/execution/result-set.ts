import { ResultSetV1 } from '@verity/contracts';

/**
 * A value from the pg driver as JSON: Date → ISO 8601, Buffer (bytea) → base64, bigint →
 * decimal string, non-finite numbers → their name; arrays and objects element by element.
 */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (Buffer.isBuffer(value)) return value.toString('base64');
      if (Array.isArray(value)) return value.map(jsonSafe);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
    default:
      return String(value);
  }
}

export interface DriverResult {
  columns: string[];
  /** Rows as arrays in column order, at most `rowLimit + 1` of them. */
  rows: unknown[][];
  /** Rows the statement affected, for statements that return none (INSERT without RETURNING …). */
  affected: number | null;
}

/** The driver's rows capped at `rowLimit`, JSON-safe; `truncated` when there were more. */
export function toResultSet(driver: DriverResult, rowLimit: number): ResultSetV1 {
  const truncated = driver.rows.length > rowLimit;
  const rows = driver.rows.slice(0, rowLimit).map((row) => row.map(jsonSafe));
  const rowCount = driver.columns.length > 0 ? rows.length : (driver.affected ?? 0);
  return { columns: driver.columns, rows, rowCount, truncated };
}
