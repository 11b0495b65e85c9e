import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { LedgerAppended } from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { LedgerConfig } from '../config/ledger.config';
import { shardOf } from '../shards/shard';
import { EntriesRepository } from '../entries/entries.repository';
import { appendedEvent } from './appended-event';

/**
 * Announces appended entries as `LedgerAppended`, every entry past its log's publication
 * cursor: at least once, each session's in index order (one drain at a time in this process,
 * and per log across processes by an advisory lock; sessions are published side by side, one
 * session's entries one after another). A failed publish leaves the entry queued for the next drain.
 */
@Injectable()
export class PublicationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PublicationService.name);
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: EntriesRepository,
    private readonly publisher: EventPublisher,
    @Inject(LedgerConfig) private readonly config: LedgerConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.LEDGER_ANNOUNCE) return;
    this.timer = setInterval(() => {
      this.flush().catch((err: Error) =>
        this.logger.warn({ err: err.message }, 'announcing appended entries failed; will retry'),
      );
    }, this.config.LEDGER_OUTBOX_POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.queue;
  }

  /** Publishes everything queued so far; rejects if a publish fails (the entry stays queued). */
  flush(): Promise<void> {
    if (!this.config.LEDGER_ANNOUNCE) return Promise.resolve();
    const run = this.queue.then(() => this.drainOnce());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async drainOnce(): Promise<void> {
    for (const origin of await this.repo.originsWithPending()) {
      if (shardOf(this.config.LEDGER_ORIGIN, origin) === undefined) continue; // another ledger's log
      await this.repo.whileHoldingPublishLock(origin, () => this.drain(origin));
    }
  }

  private async drain(origin: string): Promise<void> {
    for (;;) {
      const from = await this.repo.publicationCursor(origin);
      const batch = await this.repo.range(origin, from, from + 1_000);
      if (batch.length === 0) return;
      const bySession = new Map<string, typeof batch>();
      for (const row of batch) bySession.set(row.sessionId, [...(bySession.get(row.sessionId) ?? []), row]);
      const results = await Promise.allSettled(
        [...bySession.values()].map(async (rows) => {
          for (const row of rows) {
            await this.publisher.publish(LedgerAppended, appendedEvent(row));
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason; // the cursor stays: the batch is announced again (at least once)
      await this.repo.advancePublication(origin, from + batch.length);
    }
  }
}
