import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The `alerts` view: findings compliance should look at. */
@Entity({ name: 'alerts' })
@Index('IDX_alerts_raised_at', ['raisedAt', 'alertId'])
@Index('IDX_alerts_kind', ['kind', 'raisedAt', 'alertId'])
@Index('IDX_alerts_identity', ['identity', 'raisedAt'])
export class AlertEntity {
  /** The alert event's id; for a denied burst (derived here, not an event) an id made from its cause. */
  @PrimaryColumn({ name: 'alert_id', type: 'text', primaryKeyConstraintName: 'PK_alerts' })
  alertId: string;

  /** `budget_crossed`, `denied_burst`, `orphaned_action`, or the raw kind of any other alert event. */
  @Column({ type: 'text' }) kind: string;
  /** The kind as raised (`budget.exceeded`, `action.orphaned` …); `audit.denied_burst` for bursts. */
  @Column({ name: 'event_kind', type: 'text' }) eventKind: string;
  @Column({ type: 'text' }) severity: string;
  @Column({ type: 'text', nullable: true }) identity: string | null;
  @Column({ name: 'session_id', type: 'text', nullable: true }) sessionId: string | null;
  @Column({ name: 'action_id', type: 'uuid', nullable: true }) actionId: string | null;
  @Column({ type: 'text' }) message: string;
  @Column({ name: 'raised_at', type: 'timestamptz', precision: 3 }) raisedAt: Date;
  @Column({ type: 'jsonb' }) details: Record<string, unknown>;
  /** Where the alert event sits in the ledger; null for a derived burst (its denials are ledgered). */
  @Column({ name: 'ledger_ref', type: 'jsonb', nullable: true }) ledgerRef: Record<string, unknown> | null;
}
