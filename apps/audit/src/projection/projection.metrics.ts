import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';

function once<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** Projection metrics, in the process's default registry (served at /metrics). */
@Injectable()
export class ProjectionMetrics {
  /** Seconds from the ledger's announcement of an entry (its append) to the projection's commit. */
  readonly lag = once(
    'audit_projection_lag_seconds',
    () =>
      new Histogram({
        name: 'audit_projection_lag_seconds',
        help: 'Seconds between a ledger entry being appended (LedgerAppended time) and its projection committing',
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      }),
  );
  readonly lastLag = once(
    'audit_projection_last_lag_seconds',
    () => new Gauge({ name: 'audit_projection_last_lag_seconds', help: 'Lag of the last projected ledger entry' }),
  );
  readonly applied = once(
    'audit_projection_entries_total',
    () =>
      new Counter({
        name: 'audit_projection_entries_total',
        help: 'Ledger entries seen by the projections, by outcome (applied, duplicate)',
        labelNames: ['outcome'],
      }),
  );
}
