import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { LedgerAppended } from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { LedgerConfig } from '../config/ledger.config';
import { EntriesRepository } from '../entries/entries.repository';
import { appendedEvent } from './appended-event';

/**
 * Announces appended entries as `LedgerAppended`, from the outbox the append transaction
 * fills: at least once, in index order (one drain at a time in this process, and across
 * processes by an advisory lock). A failed publish leaves the entry queued for the next drain.
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
    this.timer = setInterval(() => {
      this.flush().catch((err: Error) => this.logger.warn({ err: err.message }, 'outbox drain failed; will retry'));
    }, this.config.LEDGER_OUTBOX_POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.queue;
  }

  /** Publishes everything queued so far; rejects if a publish fails (the entry stays queued). */
  flush(): Promise<void> {
    const run = this.queue.then(() => this.drainOnce());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async drainOnce(): Promise<void> {
    const origin = this.config.LEDGER_ORIGIN;
    await this.repo.whileHoldingPublishLock(origin, async () => {
      for (;;) {
        const batch = await this.repo.pendingPublications(origin, 100);
        if (batch.length === 0) return;
        for (const row of batch) {
          await this.publisher.publish(LedgerAppended, appendedEvent(row));
          await this.repo.removeFromOutbox(origin, row.index);
        }
      }
    });
  }
}
