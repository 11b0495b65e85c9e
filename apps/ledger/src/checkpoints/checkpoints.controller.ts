import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { ShardQuery } from '../shards/dto/shard-query.dto';
import { shardOf, shardOrigin } from '../shards/shard';
import { CheckpointsService } from './checkpoints.service';
import { CheckpointView, toCheckpointView } from './dto/checkpoint.view';
import { ListCheckpointsQuery } from './dto/list-checkpoints.dto';

@Controller('v1/ledger')
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  private originOf(shard: number): string {
    return shardOrigin(this.checkpoints.origin, shard);
  }

  /** The latest signed checkpoint of a shard's log (default shard 0). */
  @Get('checkpoint')
  async current(@Query() query: ShardQuery): Promise<CheckpointView> {
    const latest = await this.checkpoints.latest(this.originOf(query.shard));
    if (!latest) throw new DomainError('LEDGER.CHECKPOINT_NOT_FOUND', 'no checkpoint has been signed yet');
    return toCheckpointView(latest);
  }

  /** Signs a checkpoint of a shard's current tree now (when it has grown) and returns the latest. */
  @Post('checkpoint')
  @HttpCode(200)
  async signNow(@Query() query: ShardQuery): Promise<CheckpointView> {
    const latest = await this.checkpoints.sign(this.originOf(query.shard));
    if (!latest) throw new DomainError('LEDGER.CHECKPOINT_NOT_FOUND', 'the log is empty');
    return toCheckpointView(latest);
  }

  /** Signed checkpoints of a shard's log with size >= from, oldest first. */
  @Get('checkpoints')
  async history(@Query() query: ListCheckpointsQuery): Promise<{ checkpoints: CheckpointView[] }> {
    const rows = await this.checkpoints.history(
      this.originOf(query.shard),
      query.from,
      Number.MAX_SAFE_INTEGER,
      query.limit,
    );
    return { checkpoints: rows.map(toCheckpointView) };
  }

  /** Every shard's log: its origin, size and latest signed checkpoint. */
  @Get('shards')
  async shards(): Promise<{
    shards: Array<{ shard: number; origin: string; size: number; checkpoint: CheckpointView | null }>;
  }> {
    const logs = await this.checkpoints.logs();
    const shards = [];
    for (const log of logs) {
      const shard = shardOf(this.checkpoints.origin, log.origin);
      if (shard === undefined) continue;
      const latest = await this.checkpoints.latest(log.origin);
      shards.push({ shard, origin: log.origin, size: log.size, checkpoint: latest ? toCheckpointView(latest) : null });
    }
    return { shards: shards.sort((a, b) => a.shard - b.shard) };
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
