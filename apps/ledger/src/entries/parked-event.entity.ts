import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { PlainEvent } from './ledger-entry';

/** An event that arrived before the event that caused it; appended once its cause is. */
@Entity({ name: 'parked' })
@Index('IDX_parked_causation_id', ['causationId'])
export class ParkedEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'PK_parked' })
  eventId: string;

  @Column({ name: 'causation_id', type: 'uuid' })
  causationId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ type: 'jsonb' })
  payload: PlainEvent;

  @Column({ name: 'payload_sha256', type: 'text' })
  payloadSha256: string;

  @CreateDateColumn({ name: 'parked_at', type: 'timestamptz' })
  parkedAt: Date;
}
