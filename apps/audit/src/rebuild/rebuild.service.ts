import { Injectable, Logger } from '@nestjs/common';
import { LedgerAppendedV1 } from '@verity/contracts';
import { DataSource } from 'typeorm';
import { ProjectionService } from '../projection/projection.service';

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
    for await (const entry of entries) {
      if ((await this.projection.apply(entry)) === 'applied') applied++;
      if (++seen % 10_000 === 0) this.logger.log({ seen, applied }, 'rebuilding');
    }
    return applied;
  }

  async rebuild(entries: AsyncIterable<LedgerAppendedV1> | Iterable<LedgerAppendedV1>): Promise<number> {
    await this.truncate();
    return this.replay(entries);
  }
}
