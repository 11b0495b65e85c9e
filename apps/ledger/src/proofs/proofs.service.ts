import { Injectable } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { CheckpointsService } from '../checkpoints/checkpoints.service';
import { CheckpointView, toCheckpointView } from '../checkpoints/dto/checkpoint.view';
import { TreeService } from '../tree/tree.service';

export interface InclusionProofView {
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 inclusion path, base64, leaf side first. */
  hashes: string[];
  /** The signed checkpoint of `treeSize` the proof leads to. */
  checkpoint: CheckpointView;
}

export interface ConsistencyProofView {
  size1: number;
  size2: number;
  hashes: string[];
}

const b64 = (hashes: Buffer[]): string[] => hashes.map((h) => h.toString('base64'));

/** Inclusion proofs against signed checkpoints, and consistency proofs between tree sizes. */
@Injectable()
export class ProofsService {
  constructor(
    private readonly tree: TreeService,
    private readonly checkpoints: CheckpointsService,
  ) {}

  /** Proof that entry `index` is in the checkpoint of `treeSize` (default: the latest, signed now if needed). */
  async inclusion(origin: string, index: number, treeSize?: number): Promise<InclusionProofView> {
    let checkpoint = await this.checkpoints.latest(origin);
    if (treeSize !== undefined) {
      const atSize = (await this.checkpoints.history(origin, treeSize, treeSize, 1))[0];
      if (!atSize) throw new DomainError('LEDGER.CHECKPOINT_NOT_FOUND', `no signed checkpoint of size ${treeSize}`);
      checkpoint = atSize;
    } else if (!checkpoint || checkpoint.size <= index) {
      checkpoint = await this.checkpoints.covering(origin, index);
    }
    if (!checkpoint || index >= checkpoint.size) {
      throw new DomainError('LEDGER.PROOF_INVALID', `entry ${index} is not in a tree of size ${checkpoint?.size ?? 0}`);
    }
    const hashes = await this.tree.inclusionProof(origin, index, checkpoint.size);
    return {
      leafIndex: index,
      treeSize: checkpoint.size,
      hashes: b64(hashes),
      checkpoint: toCheckpointView(checkpoint),
    };
  }

  async consistency(origin: string, size1: number, size2: number): Promise<ConsistencyProofView> {
    const state = await this.checkpoints.latest(origin);
    if (size1 > size2 || size2 > (state?.size ?? 0)) {
      throw new DomainError(
        'LEDGER.PROOF_INVALID',
        `need 0 <= from <= to <= ${state?.size ?? 0} (the latest checkpoint), got ${size1}..${size2}`,
      );
    }
    const hashes = await this.tree.consistencyProof(origin, size1, size2);
    return { size1, size2, hashes: b64(hashes) };
  }
}
