import type { ActionRecord } from '../actions/action-projection';

/**
 * What one action adds to the summary rows (its session, its identity, its connection). The
 * summaries move by the difference between an action's contribution before and after an entry,
 * so they are sums over the actions rows whatever order entries arrive in, and a duplicate entry
 * (which changes no action row) changes no summary either. An action counts once its request is
 * in the ledger: until then it has no stable session owner, identity or connection.
 */
export interface Contribution {
  actions: number;
  allowed: number;
  denied: number;
  reviewed: number;
  executed: number;
  failed: number;
  deniedOutcome: number;
  pendingReview: number;
  firstAt: Date | null;
  lastAt: Date | null;
}

export const COUNTS = [
  'actions',
  'allowed',
  'denied',
  'reviewed',
  'executed',
  'failed',
  'deniedOutcome',
  'pendingReview',
] as const;
export type Count = (typeof COUNTS)[number];

const NONE: Contribution = {
  actions: 0,
  allowed: 0,
  denied: 0,
  reviewed: 0,
  executed: 0,
  failed: 0,
  deniedOutcome: 0,
  pendingReview: 0,
  firstAt: null,
  lastAt: null,
};

const flag = (yes: boolean): number => (yes ? 1 : 0);

/** The latest instant the action shows activity at: request, decision, outcome or review. */
export function lastActivity(row: ActionRecord): Date | null {
  const times = [row.requestedAt, row.decidedAt, row.completedAt, row.reviewRequestedAt]
    .concat(row.review?.concludedAt ? [new Date(row.review.concludedAt)] : [])
    .filter((t): t is Date => t !== null);
  return times.length === 0 ? null : new Date(Math.max(...times.map((t) => t.getTime())));
}

export function contributionOf(row: ActionRecord | null): Contribution {
  if (!row?.requestedAt) return NONE;
  return {
    actions: 1,
    allowed: flag(row.decision === 'allow'),
    denied: flag(row.decision === 'deny'),
    reviewed: flag(row.decision === 'review'),
    executed: flag(row.status === 'executed'),
    failed: flag(row.status === 'failed'),
    deniedOutcome: flag(row.status === 'denied'),
    pendingReview: flag(row.reviewState === 'pending'),
    firstAt: row.requestedAt,
    lastAt: lastActivity(row),
  };
}

/** after − before for each count; null when nothing a summary shows has changed. */
export function deltaOf(before: Contribution, after: Contribution): Contribution | null {
  const delta = { ...after } as Contribution;
  let changed = after.lastAt?.getTime() !== before.lastAt?.getTime();
  for (const k of COUNTS) {
    delta[k] = after[k] - before[k];
    if (delta[k] !== 0) changed = true;
  }
  return changed ? delta : null;
}

/** Two changes as one: counts add up, first/last take the earliest/latest. */
export function sumOf(a: Contribution, b: Contribution): Contribution {
  const sum = { ...a };
  for (const k of COUNTS) sum[k] = a[k] + b[k];
  const times = (x: Date | null, y: Date | null, pick: (...n: number[]) => number) =>
    x === null ? y : y === null ? x : new Date(pick(x.getTime(), y.getTime()));
  sum.firstAt = times(a.firstAt, b.firstAt, Math.min);
  sum.lastAt = times(a.lastAt, b.lastAt, Math.max);
  return sum;
}
