import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { formatCheckpoint, signNote, verifyConsistency } from '@verity/merkle';
import path from 'node:path';
import { LedgerConfig } from '../config/ledger.config';
import { shardOf } from '../shards/shard';
import { frontierOf, TreeService } from '../tree/tree.service';
import { CheckpointEntity } from './checkpoint.entity';
import { CheckpointsRepository } from './checkpoints.repository';
import { loadSigningKey, SigningKey } from './signing-key';

/**
 * Signs checkpoints of the log (C2SP tlog-checkpoint in a signed note, Ed25519): every
 * LEDGER_CHECKPOINT_INTERVAL_MS when the log has grown, and on demand. Before signing it proves,
 * from the stored tree, that the new tree extends the last signed one; it refuses otherwise,
 * so this signer never signs a fork of its own log.
 */
@Injectable()
export class CheckpointsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CheckpointsService.name);
  readonly key: SigningKey;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: CheckpointsRepository,
    private readonly tree: TreeService,
    @Inject(LedgerConfig) private readonly config: LedgerConfig,
  ) {
    this.key = loadSigningKey({
      file: config.LEDGER_SIGNING_KEY_FILE,
      name: config.LEDGER_KEY_NAME || config.LEDGER_ORIGIN,
      home: config.VERITY_HOME || process.env.VERITY_HOME || path.join(process.cwd(), '.verity'),
    });
  }

  /** The configured origin: shard 0's log; shard n's is `<origin>/shard-<n>`. */
  get origin(): string {
    return this.config.LEDGER_ORIGIN;
  }

  onApplicationBootstrap(): void {
    if (this.key.dev) {
      this.logger.warn(
        { verifierKey: this.key.verifierKey },
        'checkpoints are signed with a DEVELOPMENT key generated on this machine (set LEDGER_SIGNING_KEY_FILE)',
      );
    }
    this.timer = setInterval(() => {
      this.signAll().catch((err: Error) => this.logger.error({ err: err.message }, 'periodic checkpoint failed'));
    }, this.config.LEDGER_CHECKPOINT_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Signs every shard's log of this ledger (not other origins sharing the database) that has grown. */
  async signAll(): Promise<void> {
    for (const origin of await this.repo.grownOrigins()) {
      if (shardOf(this.origin, origin) !== undefined) await this.sign(origin);
    }
  }

  /** Signs a log's current tree unless its latest checkpoint already covers it; returns the latest. */
  async sign(origin = this.origin): Promise<CheckpointEntity | null> {
    return this.repo.whileSigning(origin, async (tx) => {
      const state = await this.repo.state(tx, origin);
      const last = await this.repo.latest(origin, tx);
      if (!state || state.treeSize === 0) return last;
      const root = frontierOf(state).root();
      const size = state.treeSize;
      if (last) {
        const lastRoot = Buffer.from(last.rootHash, 'base64');
        const consistent =
          last.size === size
            ? lastRoot.equals(root)
            : last.size < size &&
              (last.size === 0 ||
                verifyConsistency(
                  last.size,
                  size,
                  lastRoot,
                  root,
                  await this.tree.consistencyProof(origin, last.size, size, tx),
                ));
        if (!consistent) {
          const details = {
            origin,
            lastSize: last.size,
            lastRoot: last.rootHash,
            size,
            root: root.toString('base64'),
          };
          this.logger.error(details, 'REFUSING to sign: the tree is not consistent with the last signed checkpoint');
          throw new DomainError(
            'LEDGER.CHECKPOINT_REJECTED',
            'the log does not extend its last signed checkpoint',
            details,
          );
        }
        if (last.size === size) return last;
      }
      const body = formatCheckpoint({ origin, size, root });
      return this.repo.insert(tx, {
        origin,
        size,
        rootHash: root.toString('base64'),
        note: signNote(body, this.key),
        keyId: this.key.keyId,
      });
    });
  }

  /** Every log (shard) with its size. */
  logs(): Promise<Array<{ origin: string; size: number }>> {
    return this.repo.logs();
  }

  latest(origin = this.origin): Promise<CheckpointEntity | null> {
    return this.repo.latest(origin);
  }

  history(origin: string, from: number, to: number, limit: number): Promise<CheckpointEntity[]> {
    return this.repo.list(origin, from, to, limit);
  }

  atOrAbove(origin: string, size: number): Promise<CheckpointEntity | null> {
    return this.repo.atOrAbove(origin, size);
  }

  below(origin: string, size: number): Promise<CheckpointEntity | null> {
    return this.repo.below(origin, size);
  }

  /** The smallest signed checkpoint of a log that covers `index`, signing one now if none does yet. */
  async covering(origin: string, index: number): Promise<CheckpointEntity | null> {
    const found = await this.repo.atOrAbove(origin, index + 1);
    return found ?? this.sign(origin).then((c) => (c && c.size > index ? c : null));
  }
}
