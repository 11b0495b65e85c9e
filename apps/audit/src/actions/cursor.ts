import { DomainError } from '@verity/contracts';

/** Where a page of actions ends, in (requested_at desc, action_id desc) order. */
export interface ActionCursor {
  requestedAt: Date;
  actionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients: base64url of a small JSON document. */
export function encodeCursor(cursor: ActionCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.requestedAt.toISOString(), id: cursor.actionId }), 'utf8').toString(
    'base64url',
  );
}

export function decodeCursor(text: string): ActionCursor {
  const invalid = () => new DomainError('AUDIT.INVALID_CURSOR', 'cursor is not one this API returned');
  let parsed: { t?: unknown; id?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw invalid();
  }
  if (typeof parsed?.t !== 'string' || typeof parsed.id !== 'string' || !UUID.test(parsed.id)) throw invalid();
  const requestedAt = new Date(parsed.t);
  if (Number.isNaN(requestedAt.getTime())) throw invalid();
  return { requestedAt, actionId: parsed.id };
}
