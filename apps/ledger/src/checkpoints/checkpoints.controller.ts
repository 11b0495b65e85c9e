import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { CheckpointsService } from './checkpoints.service';
import { CheckpointView, toCheckpointView } from './dto/checkpoint.view';
import { ListCheckpointsQuery } from './dto/list-checkpoints.dto';

@Controller('v1/ledger')
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  /** The latest signed checkpoint. */
  @Get('checkpoint')
  async current(): Promise<CheckpointView> {
    const latest = await this.checkpoints.latest();
    if (!latest) throw new DomainError('LEDGER.CHECKPOINT_NOT_FOUND', 'no checkpoint has been signed yet');
    return toCheckpointView(latest);
  }

  /** Signs a checkpoint of the current tree now (when it has grown) and returns the latest. */
  @Post('checkpoint')
  @HttpCode(200)
  async signNow(): Promise<CheckpointView> {
    const latest = await this.checkpoints.sign();
    if (!latest) throw new DomainError('LEDGER.CHECKPOINT_NOT_FOUND', 'the log is empty');
    return toCheckpointView(latest);
  }

  /** Signed checkpoints with size >= from, oldest first. */
  @Get('checkpoints')
  async history(@Query() query: ListCheckpointsQuery): Promise<{ checkpoints: CheckpointView[] }> {
    const rows = await this.checkpoints.history(query.from, Number.MAX_SAFE_INTEGER, query.limit);
    return { checkpoints: rows.map(toCheckpointView) };
  }

  /** The key checkpoints are signed with: pin `verifierKey` in the offline verifier. */
  @Get('public-key')
  publicKey(): { name: string; keyId: string; algorithm: 'Ed25519'; verifierKey: string; publicKeyPem: string } {
    const k = this.checkpoints.key;
    return {
      name: k.name,
      keyId: k.keyId,
      algorithm: 'Ed25519',
      verifierKey: k.verifierKey,
      publicKeyPem: k.publicKeyPem,
    };
  }
}
