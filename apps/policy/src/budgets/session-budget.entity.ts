import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What one agent session has used so far. */
@Entity({ name: 'session_budgets' })
export class SessionBudgetEntity {
  @PrimaryColumn({ name: 'session_id', type: 'text', primaryKeyConstraintName: 'PK_session_budgets' })
  sessionId: string;

  /** Every decided action, denied ones included. */
  @Column({ type: 'integer', default: 0 })
  actions: number;

  /** Actions holding a write, DDL or admin statement that were not denied. */
  @Column({ type: 'integer', default: 0 })
  writes: number;

  /** Distinct tables read or written by actions that were not denied. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tables: string[];

  /** Rows returned to the session's actions (from action.executed), at most 2^31 - 1. */
  @Column({ type: 'integer', default: 0 })
  rows: number;

  /** Whether the rows budget already raised its alert for this session. */
  @Column({ name: 'rows_alerted', type: 'boolean', default: false })
  rowsAlerted: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
