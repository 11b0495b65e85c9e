import { CheckpointEntity } from '../checkpoint.entity';

export interface CheckpointView {
  origin: string;
  size: number;
  /** Base64, as in the note. */
  rootHash: string;
  keyId: string;
  /** The signed note (C2SP tlog-checkpoint body, blank line, Ed25519 signature line). */
  note: string;
  signedAt: string;
}

export function toCheckpointView(c: CheckpointEntity): CheckpointView {
  return {
    origin: c.origin,
    size: c.size,
    rootHash: c.rootHash,
    keyId: c.keyId,
    note: c.note,
    signedAt: c.signedAt.toISOString(),
  };
}
