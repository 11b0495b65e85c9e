import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AlertRaised, createEvent } from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { DataSource } from 'typeorm';
import { ActionsRepository } from '../actions/actions.repository';
import { AuditConfig } from '../config/audit.config';
import { AUDIT_SOURCE } from '../reads/audit-read.recorder';
import { ORPHANED_EVENT_KIND } from './alert-kinds';

const SWEEP_BATCH = 500;

/**
 * Finds intents without an outcome: actions requested more than AUDIT_ORPHAN_TIMEOUT_MS ago that
 * have neither executed, failed nor been denied, and are not waiting on a pending review. Each is
 * raised once as `alert.raised` (kind `action.orphaned`), which the ledger appends and the
 * projection turns into an `orphaned_action` alert like any other — so a rebuild finds it again.
 *
 * `orphan_sweeps` (not a view: a rebuild leaves it alone) remembers which actions were raised, so
 * the alert is published once across sweeps, restarts and instances (the insert decides who
 * publishes).
 */
@Injectable()
export class OrphanSweepService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OrphanSweepService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly actions: ActionsRepository,
    private readonly publisher: EventPublisher,
    private readonly db: DataSource,
    @Inject(AuditConfig) private readonly config: AuditConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.AUDIT_ORPHAN_SWEEP_MS;
    if (every <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err: Error) => {
          this.logger.warn({ err: err.message }, 'orphan sweep failed; next one retries');
          return 0;
        })
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; the number of alerts raised. */
  async sweep(now = new Date()): Promise<number> {
    const timeoutMs = this.config.AUDIT_ORPHAN_TIMEOUT_MS;
    const open = await this.actions.listOpen(new Date(now.getTime() - timeoutMs), SWEEP_BATCH);
    let raised = 0;
    for (const action of open) {
      if (!action.actor || !action.requestedAt) continue;
      const claimed: unknown[] = await this.db.query(
        `INSERT INTO "audit"."orphan_sweeps" (action_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING action_id`,
        [action.actionId],
      );
      if (claimed.length === 0) continue;
      const waitedMs = now.getTime() - action.requestedAt.getTime();
      try {
        await this.publisher.publish(
          AlertRaised,
          createEvent(AlertRaised, {
            source: AUDIT_SOURCE,
            actionId: action.actionId,
            sessionId: action.sessionId,
            actor: action.actor,
            data: {
              kind: ORPHANED_EVENT_KIND,
              severity: 'warning',
              message: `action ${action.actionId} was requested ${Math.round(waitedMs / 1000)} s ago and has no outcome`,
              details: {
                status: action.status,
                connection: action.connection,
                operation: action.operation,
                requestedAt: action.requestedAt.toISOString(),
                timeoutMs,
              },
            },
          }),
        );
        raised++;
      } catch (err) {
        await this.db.query(`DELETE FROM "audit"."orphan_sweeps" WHERE action_id = $1`, [action.actionId]);
        throw err;
      }
    }
    if (raised > 0) this.logger.warn({ raised }, 'orphaned actions raised');
    return raised;
  }
}
