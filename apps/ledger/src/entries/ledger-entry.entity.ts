import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';
import { PlainEvent } from './ledger-entry';

/**
 * One appended event. Append-only: database triggers reject UPDATE, DELETE and TRUNCATE.
 * `entry` is the canonical JSON whose RFC 6962 leaf hash is `leaf_hash`.
 */
@Entity({ name: 'entries' })
@Unique('UQ_entries_event_id', ['eventId'])
@Unique('UQ_entries_session_seq', ['origin', 'sessionId', 'sessionSeq'])
@Index('IDX_entries_action_id', ['actionId'])
export class LedgerEntryEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_entries' })
  origin: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber, primaryKeyConstraintName: 'PK_entries' })
  index: number;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ name: 'action_id', type: 'uuid' })
  actionId: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ name: 'session_seq', type: 'bigint', transformer: bigintAsNumber })
  sessionSeq: number;

  @Column({ type: 'text' })
  entry: string;

  @Column({ name: 'leaf_hash', type: 'text' })
  leafHash: string;

  @Column({ type: 'jsonb' })
  payload: PlainEvent;

  /**
   * The payload's bytes exactly as committed (RFC 8785 canonical JSON, SHA-256 = payload_sha256),
   * so evidence carries and verifiers digest them as they are. Null only for entries appended
   * before this column existed (their canonical form is recomputed from `payload`).
   */
  @Column({ name: 'payload_text', type: 'text', nullable: true })
  payloadText: string | null;

  @Column({ name: 'payload_sha256', type: 'text' })
  payloadSha256: string;

  @CreateDateColumn({ name: 'appended_at', type: 'timestamptz' })
  appendedAt: Date;
}
