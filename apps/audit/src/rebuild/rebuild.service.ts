import { Injectable, Logger } from '@nestjs/common';
import { LedgerAppendedV1 } from '@verity/contracts';
import { DataSource } from 'typeorm';
import { ProjectionService } from '../projection/projection.service';

/** Entries applied per transaction. */
const REPLAY_CHUNK = 500;

/** Every view and the high-water marks: what a rebuild empties and refills. */
export const VIEW_TABLES = ['actions', 'sessions', 'identities', 'connections', 'alerts', 'projection_state'];

/**
 * Rebuilds the views from the ledger: empties them and applies every entry again through the
 * same ProjectionService the consumer uses. The views are a function of the set of entries (see
 * ProjectionService), so the result equals the views kept live.
 */
@Injectable()
export class RebuildService {
  private readonly logger = new Logger(RebuildService.name);

  constructor(
    private readonly db: DataSource,
    private readonly projection: ProjectionService,
  ) {}

  async truncate(): Promise<void> {
    await this.db.query(`TRUNCATE ${VIEW_TABLES.map((t) => `"audit"."${t}"`).join(', ')}`);
  }

  /** Applies each entry; the number that changed a view (duplicates in the source count once). */
  async replay(entries: AsyncIterable<LedgerAppendedV1> | Iterable<LedgerAppendedV1>): Promise<number> {
    let applied = 0;
    let seen = 0;
    let chunk: LedgerAppendedV1[] = [];
    const flush = async () => {
      const outcomes = await this.projection.applyBatch(chunk.map((appended) => ({ appended })));
      applied += outcomes.filter((o) => o === 'applied').length;
      seen += chunk.length;
      chunk = [];
      if (seen % 10_000 < REPLAY_CHUNK) this.logger.log({ seen, applied }, 'rebuilding');
    };
    for await (const entry of entries) {
      chunk.push(entry);
      if (chunk.length === REPLAY_CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
    return applied;
  }

  async rebuild(entries: AsyncIterable<LedgerAppendedV1> | Iterable<LedgerAppendedV1>): Promise<number> {
    await this.truncate();
    return this.replay(entries);
  }
}
