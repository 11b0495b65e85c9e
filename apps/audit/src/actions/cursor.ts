import { DomainError } from '@verity/contracts';

/** Where a page ends, in (instant desc, id desc) order: a keyset, never an offset. */
export interface Keyset {
  at: Date;
  id: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids other than UUIDs (session ids, alert ids): what a session id may hold. */
export const TEXT_ID = /^[A-Za-z0-9._:@-]{1,256}$/;

/** Opaque to clients: base64url of a small JSON document. */
export function encodeCursor(cursor: Keyset): string {
  return Buffer.from(JSON.stringify({ t: cursor.at.toISOString(), id: cursor.id }), 'utf8').toString('base64url');
}

/** The keyset in a cursor this API returned; `id` must match `idPattern` (UUID unless said). */
export function decodeCursor(text: string, idPattern: RegExp = UUID): Keyset {
  const invalid = () => new DomainError('AUDIT.INVALID_CURSOR', 'cursor is not one this API returned');
  let parsed: { t?: unknown; id?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw invalid();
  }
  if (typeof parsed?.t !== 'string' || typeof parsed.id !== 'string' || !idPattern.test(parsed.id)) throw invalid();
  const at = new Date(parsed.t);
  if (Number.isNaN(at.getTime())) throw invalid();
  return { at, id: parsed.id };
}

/** The next page's cursor: set when the query found one row more than the page holds. */
export function nextCursorOf<T>(rows: T[], limit: number, keyset: (row: T) => Keyset | null): string | null {
  if (rows.length <= limit) return null;
  const key = keyset(rows[limit - 1]);
  return key ? encodeCursor(key) : null;
}
