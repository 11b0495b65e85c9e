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
import { Contribution, contributionOf, deltaOf, sumOf } from '../summaries/contribution';
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
    const [outcome] = await this.applyBatch([{ appended, announcedAt }]);
    return outcome;
  }

  /**
   * Applies entries (one partition's batch, in order) in one transaction: the action rows they
   * touch are locked and read once, folded in memory, written once; the summaries move by the
   * summed change; the marks rise once per origin. The same result as applying them one by one.
   * Throws AUDIT.UNEXPECTED_EVENT / AUDIT.INVALID_EVENT before writing anything when an entry
   * does not hold a valid ledgered event (the caller dead-letters it: see checkEntry).
   */
  async applyBatch(batch: { appended: LedgerAppendedV1; announcedAt?: string }[]): Promise<ApplyOutcome[]> {
    const entries: AppendedEntry[] = batch.map(({ appended }) => ({
      origin: appended.origin,
      index: appended.index,
      leafHash: appended.leafHash,
      event: this.ledgeredEvent(appended),
    }));
    const outcomes = await this.actions.transaction(async (tx) => {
      const result: ApplyOutcome[] = [];
      const actionIds = [
        ...new Set(entries.filter((e) => ACTION_ROW_TYPES.has(e.event.type)).map((e) => e.event.actionid)),
      ];
      const before = new Map<string, ActionRecord | null>(actionIds.map((id) => [id, null]));
      for (const row of await this.actions.lockActions(tx, actionIds)) before.set(row.actionId, row);
      const current = new Map(before);
      const marks = new Map<string, number>();
      for (const entry of entries) {
        let outcome: ApplyOutcome;
        if (ACTION_ROW_TYPES.has(entry.event.type)) {
          const next = applyAppended(current.get(entry.event.actionid) ?? null, entry);
          if (next) current.set(entry.event.actionid, next);
          outcome = next ? 'applied' : 'duplicate';
        } else if (entry.event.type === AlertRaised.type) {
          outcome = (await this.applyAlert(tx, entry)) ? 'applied' : 'duplicate';
        } else {
          outcome = 'marked';
        }
        if (outcome !== 'duplicate') marks.set(entry.origin, Math.max(marks.get(entry.origin) ?? -1, entry.index));
        result.push(outcome);
      }
      const changed = actionIds.filter((id) => current.get(id) !== before.get(id)).map((id) => current.get(id)!);
      await this.actions.saveActions(tx, changed);
      await this.updateSummaries(
        tx,
        changed.map((row) => [before.get(row.actionId) ?? null, row]),
      );
      const newlyDenied = changed.filter(
        (row) => row.status === 'denied' && before.get(row.actionId)?.status !== 'denied',
      );
      newlyDenied.sort((x, y) => (x.identitySubject ?? '').localeCompare(y.identitySubject ?? ''));
      for (const row of newlyDenied) await this.updateBursts(tx, row);
      for (const [origin, index] of [...marks].sort(([x], [y]) => x.localeCompare(y))) {
        await this.actions.recordApplied(tx, origin, index);
      }
      return result;
    });
    for (let i = 0; i < outcomes.length; i++) {
      this.metrics.applied.inc({ outcome: outcomes[i] });
      const announcedAt = batch[i].announcedAt;
      if (announcedAt) {
        const lag = Math.max(0, (Date.now() - new Date(announcedAt).getTime()) / 1000);
        this.metrics.lag.observe(lag);
        this.metrics.lastLag.set(lag);
      }
    }
    return outcomes;
  }

  /** The entry's event if it is a valid ledgered one; else the domain error to dead-letter it with. */
  checkEntry(appended: LedgerAppendedV1): DomainError | null {
    try {
      this.ledgeredEvent(appended);
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
  }

  /**
   * Moves the summaries by the actions' changes, summed per row. Rows are locked in one fixed
   * order (sessions, identities, connections; each by key) so concurrent batches never deadlock.
   */
  private async updateSummaries(tx: EntityManager, changes: [ActionRecord | null, ActionRecord][]): Promise<void> {
    const sessions = new Map<string, { key: Record<string, string | null>; delta: Contribution }>();
    const identities = new Map<string, Contribution>();
    const connections = new Map<string, Contribution>();
    for (const [before, after] of changes) {
      const delta = deltaOf(contributionOf(before), contributionOf(after));
      if (!delta) continue;
      const s = sessions.get(after.sessionId);
      sessions.set(after.sessionId, {
        key: s?.key ?? { session_id: after.sessionId, identity: after.identitySubject, agent: after.agent },
        delta: s ? sumOf(s.delta, delta) : delta,
      });
      if (after.identitySubject) addTo(identities, after.identitySubject, delta);
      if (after.connection) addTo(connections, after.connection, delta);
    }
    const sorted = <T>(m: Map<string, T>) => [...m].sort(([x], [y]) => x.localeCompare(y));
    for (const [, { key, delta }] of sorted(sessions)) await this.summaries.add(tx, 'sessions', key, delta);
    for (const [identity, delta] of sorted(identities)) await this.summaries.add(tx, 'identities', { identity }, delta);
    for (const [connection, delta] of sorted(connections)) {
      await this.summaries.add(tx, 'connections', { connection }, delta);
    }
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

function addTo(map: Map<string, Contribution>, key: string, delta: Contribution): void {
  const had = map.get(key);
  map.set(key, had ? sumOf(had, delta) : delta);
}
