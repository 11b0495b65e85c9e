import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../actions/cursor';
import { AlertEntity } from './alert.entity';
import { DENIED_BURST_EVENT_KIND } from './alert-kinds';
import { Denial } from './denied-burst';

@Injectable()
export class AlertsRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts the alert unless its id is already there; true when inserted. */
  async insert(tx: EntityManager, alert: AlertEntity): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO "audit"."alerts"
         (alert_id, kind, event_kind, severity, identity, session_id, action_id, message, raised_at, details, ledger_ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id`,
      [
        alert.alertId,
        alert.kind,
        alert.eventKind,
        alert.severity,
        alert.identity,
        alert.sessionId,
        alert.actionId,
        alert.message,
        alert.raisedAt,
        JSON.stringify(alert.details),
        alert.ledgerRef === null ? null : JSON.stringify(alert.ledgerRef),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Serialises the burst computation of one identity across concurrent transactions (its
   * denials arrive over several partitions), until the transaction ends.
   */
  async lockIdentity(tx: EntityManager, identity: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`audit.denied-burst:${identity}`]);
  }

  /** The identity's denials with `from <= at <= to`. */
  async denials(tx: EntityManager, identity: string, from: Date, to: Date): Promise<Denial[]> {
    const rows: { action_id: string; session_id: string; completed_at: Date }[] = await tx.query(
      `SELECT action_id, session_id, completed_at FROM "audit"."actions"
       WHERE identity_subject = $1 AND status = 'denied' AND completed_at BETWEEN $2 AND $3`,
      [identity, from, to],
    );
    return rows.map((r) => ({ actionId: r.action_id, sessionId: r.session_id, at: r.completed_at }));
  }

  /** Makes the identity's burst alerts raised in [from, to] exactly `alerts`. */
  async replaceBursts(tx: EntityManager, identity: string, from: Date, to: Date, alerts: AlertEntity[]): Promise<void> {
    await tx.query(
      `DELETE FROM "audit"."alerts" WHERE event_kind = $1 AND identity = $2 AND raised_at BETWEEN $3 AND $4
       AND NOT (alert_id = ANY($5::text[]))`,
      [DENIED_BURST_EVENT_KIND, identity, from, to, alerts.map((a) => a.alertId)],
    );
    for (const alert of alerts) await this.insert(tx, alert);
  }

  list(kind: string | undefined, limit: number, after?: Keyset): Promise<AlertEntity[]> {
    const query = this.db.manager.createQueryBuilder(AlertEntity, 'x');
    if (kind) query.andWhere('x.kind = :kind', { kind });
    if (after) query.andWhere('(x.raisedAt, x.alertId) < (:t, :id)', { t: after.at, id: after.id });
    return query.orderBy('x.raisedAt', 'DESC').addOrderBy('x.alertId', 'DESC').limit(limit).getMany();
  }
}
