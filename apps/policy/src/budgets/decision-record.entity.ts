import { ActionDecidedV1, AlertRaisedV1 } from '@verity/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per decided action, written in the same transaction as the session's budget: a
 * redelivered request finds it and republishes the same decision instead of counting twice.
 */
@Entity({ name: 'decisions' })
export class DecisionRecordEntity {
  @PrimaryColumn({ name: 'action_id', type: 'uuid', primaryKeyConstraintName: 'PK_decisions' })
  actionId: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ type: 'jsonb' })
  decided: ActionDecidedV1;

  /** The alert this decision raised, if it crossed a budget. */
  @Column({ type: 'jsonb', nullable: true })
  alert: AlertRaisedV1 | null;

  /** Rows the action returned, once its action.executed was counted (null until then). */
  @Column({ name: 'rows_returned', type: 'integer', nullable: true })
  rowsReturned: number | null;

  @CreateDateColumn({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;
}
