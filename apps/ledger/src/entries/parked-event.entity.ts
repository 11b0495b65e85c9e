import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { PlainEvent } from './ledger-entry';

/**
 * An event that arrived before its cause; appended once its cause (`causation_id`) or its
 * lifecycle predecessor in the same action (`action_id`, `awaits_type`) is.
 */
@Entity({ name: 'parked' })
@Index('IDX_parked_causation_id', ['causationId'])
@Index('IDX_parked_action_id', ['actionId'])
export class ParkedEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'PK_parked' })
  eventId: string;

  /** The log (shard) the event goes to; null for events parked before shards (the base origin). */
  @Column({ type: 'text', nullable: true })
  origin: string | null;

  @Column({ name: 'causation_id', type: 'uuid' })
  causationId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ name: 'action_id', type: 'uuid' })
  actionId: string;

  /** The lifecycle predecessor's event type; null when only the cause counts. */
  @Column({ name: 'awaits_type', type: 'text', nullable: true })
  awaitsType: string | null;

  @Column({ type: 'jsonb' })
  payload: PlainEvent;

  @Column({ name: 'payload_sha256', type: 'text' })
  payloadSha256: string;

  @CreateDateColumn({ name: 'parked_at', type: 'timestamptz' })
  parkedAt: Date;
}
