import { createEvent, EventEnvelope, LedgerAppended, LedgerAppendedV1, LedgerEntryV1 } from '@verity/contracts';
import { LedgerEntryEntity } from '../entries/ledger-entry.entity';

export const LEDGER_SOURCE = '/verity/ledger';

/** `LedgerAppended` for a stored entry: same action, session and actor as the event; caused by it. */
export function appendedEvent(row: Omit<LedgerEntryEntity, 'appendedAt'>): EventEnvelope<LedgerAppendedV1> {
  const event = row.payload;
  return createEvent(LedgerAppended, {
    source: LEDGER_SOURCE,
    actionId: event.actionid,
    sessionId: event.sessionid,
    actor: event.actor,
    causationId: event.id,
    ...(event.traceparent ? { traceparent: event.traceparent } : {}),
    data: {
      origin: row.origin,
      index: row.index,
      leafHash: row.leafHash,
      entry: JSON.parse(row.entry) as LedgerEntryV1,
      event,
    },
  });
}
