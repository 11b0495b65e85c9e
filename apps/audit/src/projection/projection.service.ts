import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AlertRaised,
  AlertRaisedV1,
  definitionForType,
  DomainError,
  EventEnvelope,
  LedgerAppendedV1,
  validateEvent,
} from '@verity/contracts';
import { EntityManager } from 'typeorm';
import { ACTION_ROW_TYPES, ActionRecord, applyAppended, AppendedEntry, shardOf } from '../actions/action-projection';
import { ActionsRepository } from '../actions/actions.repository';
import { AlertEntity } from '../alerts/alert.entity';
import { alertKindOf, DENIED_BURST_EVENT_KIND, derivedAlertId } from '../alerts/alert-kinds';
import { AlertsRepository } from '../alerts/alerts.repository';
import { burstsIn } from '../alerts/denied-burst';
import { AuditConfig } from '../config/audit.config';
import { contributionOf, deltaOf } from '../summaries/contribution';
import { SummariesRepository } from '../summaries/summaries.repository';
import { ProjectionMetrics } from './projection.metrics';

/** `marked`: an entry no view shows (an audit.read); only the high-water mark moved. */
export type ApplyOutcome = 'applied' | 'duplicate' | 'marked';

/**
 * Keeps every view from the ledger's stream: one transaction per ledger entry updates the views
 * it concerns (the action row and its session/identity/connection summaries, or the alerts) and
 * the origin's high-water mark. The views hold no other input, so a replay rebuilds them.
 *
 * - action.* and review.* entries: the action's row (see action-projection.ts), the summaries by
 *   the row's change, and the identity's denied bursts when the row turns denied;
 * - alert.raised: the alerts view;
 * - anything else ledgered (audit.read, the reads of this API): only the mark — a read is no action.
 */
@Injectable()
export class ProjectionService {
  private readonly logger = new Logger(ProjectionService.name);

  constructor(
    private readonly actions: ActionsRepository,
    private readonly summaries: SummariesRepository,
    private readonly alerts: AlertsRepository,
    private readonly metrics: ProjectionMetrics,
    @Inject(AuditConfig) private readonly config: AuditConfig,
  ) {}

  /** `announcedAt`: when the ledger announced the entry (for the lag metric); absent in a rebuild. */
  async apply(appended: LedgerAppendedV1, announcedAt?: string): Promise<ApplyOutcome> {
    const event = this.ledgeredEvent(appended);
    const entry: AppendedEntry = {
      origin: appended.origin,
      index: appended.index,
      leafHash: appended.leafHash,
      event,
    };
    const outcome = await this.actions.transaction(async (tx) => {
      const shown = ACTION_ROW_TYPES.has(event.type) || event.type === AlertRaised.type;
      const changed = ACTION_ROW_TYPES.has(event.type)
        ? await this.applyToAction(tx, entry)
        : event.type === AlertRaised.type
          ? await this.applyAlert(tx, entry)
          : true;
      if (!changed) return 'duplicate';
      await this.actions.recordApplied(tx, appended.origin, appended.index);
      return shown ? 'applied' : 'marked';
    });
    this.metrics.applied.inc({ outcome });
    if (announcedAt) {
      const lag = Math.max(0, (Date.now() - new Date(announcedAt).getTime()) / 1000);
      this.metrics.lag.observe(lag);
      this.metrics.lastLag.set(lag);
    }
    return outcome;
  }

  private async applyToAction(tx: EntityManager, entry: AppendedEntry): Promise<boolean> {
    const current = await this.actions.lockAction(tx, entry.event.actionid);
    const next = applyAppended(current, entry);
    if (!next) return false;
    await this.actions.saveAction(tx, next);
    await this.updateSummaries(tx, current, next);
    if (next.status === 'denied' && current?.status !== 'denied') await this.updateBursts(tx, next);
    return true;
  }

  /** Moves the summaries by the action's change; locks them in a fixed order: session, identity, connection. */
  private async updateSummaries(tx: EntityManager, before: ActionRecord | null, after: ActionRecord): Promise<void> {
    const delta = deltaOf(contributionOf(before), contributionOf(after));
    if (!delta) return;
    await this.summaries.add(
      tx,
      'sessions',
      { session_id: after.sessionId, identity: after.identitySubject, agent: after.agent },
      delta,
    );
    if (after.identitySubject) await this.summaries.add(tx, 'identities', { identity: after.identitySubject }, delta);
    if (after.connection) await this.summaries.add(tx, 'connections', { connection: after.connection }, delta);
  }

  /**
   * Recomputes the identity's denied bursts that the new denial can change: those completed by a
   * denial in [t, t + window], whose windows reach back no further than t − window.
   */
  private async updateBursts(tx: EntityManager, row: ActionRecord): Promise<void> {
    const identity = row.identitySubject;
    if (!identity || !row.completedAt) return;
    const rule = { count: this.config.AUDIT_DENIED_BURST_COUNT, windowMs: this.config.AUDIT_DENIED_BURST_WINDOW_MS };
    const t = row.completedAt.getTime();
    const [from, affectedTo] = [new Date(t - rule.windowMs), new Date(t + rule.windowMs)];
    await this.alerts.lockIdentity(tx, identity);
    const denials = await this.alerts.denials(tx, identity, from, affectedTo);
    const bursts = burstsIn(denials, rule).filter((d) => d.at.getTime() >= t);
    const alerts = bursts.map((d): AlertEntity => ({
      alertId: derivedAlertId(DENIED_BURST_EVENT_KIND, identity, d.actionId),
      kind: alertKindOf(DENIED_BURST_EVENT_KIND),
      eventKind: DENIED_BURST_EVENT_KIND,
      severity: 'warning',
      identity,
      sessionId: d.sessionId,
      actionId: d.actionId,
      message: `${identity} was denied ${rule.count} times within ${rule.windowMs / 1000} s`,
      raisedAt: d.at,
      details: { count: rule.count, windowMs: rule.windowMs },
      ledgerRef: null,
    }));
    await this.alerts.replaceBursts(tx, identity, row.completedAt, affectedTo, alerts);
  }

  private async applyAlert(tx: EntityManager, entry: AppendedEntry): Promise<boolean> {
    const { event } = entry;
    const data = event.data as AlertRaisedV1;
    return this.alerts.insert(tx, {
      alertId: event.id,
      kind: alertKindOf(data.kind),
      eventKind: data.kind,
      severity: data.severity,
      identity: event.actor.subject,
      sessionId: event.sessionid,
      actionId: event.actionid,
      message: data.message,
      raisedAt: new Date(event.time),
      details: data.details,
      ledgerRef: {
        origin: entry.origin,
        shard: shardOf(entry.origin),
        index: entry.index,
        type: event.type,
        leafHash: entry.leafHash,
      },
    });
  }

  /** The ledgered event inside the announcement, checked against its own contract. */
  private ledgeredEvent(appended: LedgerAppendedV1): EventEnvelope<object> {
    const def = definitionForType(appended.event.type);
    if (!def?.ledgered) {
      throw new DomainError(
        'AUDIT.UNEXPECTED_EVENT',
        `ledger entry ${appended.index} holds ${appended.event.type}, which is not a ledgered event`,
      );
    }
    const checked = validateEvent(def, JSON.parse(JSON.stringify(appended.event)));
    if (!checked.ok) {
      this.logger.error(
        { origin: appended.origin, index: appended.index, errors: checked.errors },
        'ledger entry holds an invalid event',
      );
      throw new DomainError(
        'AUDIT.INVALID_EVENT',
        `ledger entry ${appended.index} holds an invalid ${def.type}`,
        checked.errors,
      );
    }
    return checked.event;
  }
}
