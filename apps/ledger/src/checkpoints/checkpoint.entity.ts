import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../entries/bigint.transformer';

/** A signed checkpoint (C2SP tlog-checkpoint in a signed note) of one log. Append-only. */
@Entity({ name: 'checkpoints' })
export class CheckpointEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_checkpoints' })
  origin: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber, primaryKeyConstraintName: 'PK_checkpoints' })
  size: number;

  /** Root hash, base64 (as in the note). */
  @Column({ name: 'root_hash', type: 'text' })
  rootHash: string;

  /** The whole signed note, byte for byte as signed. */
  @Column({ type: 'text' })
  note: string;

  @Column({ name: 'key_id', type: 'text' })
  keyId: string;

  @CreateDateColumn({ name: 'signed_at', type: 'timestamptz' })
  signedAt: Date;
}
