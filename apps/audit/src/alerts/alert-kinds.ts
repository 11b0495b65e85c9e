import { createHash } from 'node:crypto';

export const ALERT_KINDS = ['budget_crossed', 'denied_burst', 'orphaned_action'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The kind audit raises for an intent without an outcome (AlertRaised `kind`). */
export const ORPHANED_EVENT_KIND = 'action.orphaned';
/** The kind recorded for a burst of denials, which audit derives from the denied actions. */
export const DENIED_BURST_EVENT_KIND = 'audit.denied_burst';

const BY_EVENT_KIND: Record<string, AlertKind> = {
  'budget.exceeded': 'budget_crossed',
  [ORPHANED_EVENT_KIND]: 'orphaned_action',
  [DENIED_BURST_EVENT_KIND]: 'denied_burst',
};

/** The API's kind for an alert event's kind; other kinds (e.g. `review.self_approval`) keep their own. */
export function alertKindOf(eventKind: string): string {
  return BY_EVENT_KIND[eventKind] ?? eventKind;
}

/** A stable UUID-shaped id for a derived alert, from what caused it: rebuilds give the same id. */
export function derivedAlertId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
