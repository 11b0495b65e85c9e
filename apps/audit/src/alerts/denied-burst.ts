/** One denied action of an identity, at the time of its denial. */
export interface Denial {
  actionId: string;
  sessionId: string;
  at: Date;
}

export interface BurstRule {
  /** Denials that make a burst. */
  count: number;
  /** Within this many milliseconds. */
  windowMs: number;
}

const byTime = (a: Denial, b: Denial) => a.at.getTime() - b.at.getTime() || a.actionId.localeCompare(b.actionId);

/**
 * The denials that complete a burst: D qualifies when exactly `count` denials (D included, in
 * (time, action id) order) fall in the window (D.at − windowMs, D.at]. A streak longer than the
 * rule raises one alert, not one per denial; a streak that thins out and builds up again raises
 * another. A pure function of the set of denials, so the alerts do not depend on arrival order.
 */
export function burstsIn(denials: Denial[], rule: BurstRule): Denial[] {
  const sorted = [...denials].sort(byTime);
  const found: Denial[] = [];
  let start = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[i].at.getTime() - sorted[start].at.getTime() >= rule.windowMs) start++;
    if (i - start + 1 === rule.count) found.push(sorted[i]);
  }
  return found;
}
