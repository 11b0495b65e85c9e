import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { EntityManager } from 'typeorm';
import { LedgerConfig } from '../config/ledger.config';
import { EntriesRepository, NewEntry } from './entries.repository';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { lifecyclePredecessor } from './causal-order';
import { buildEntry, CanonicalEvent, canonicalEvent, PlainEvent } from './ledger-entry';
import { TreeService } from '../tree/tree.service';
import { LogStateEntity } from './log-state.entity';

export type AppendResult =
  /** The event and any parked events it released, in index order. */
  | { outcome: 'appended'; entries: NewEntry[] }
  /** Its cause is not in the ledger yet; it is kept until it is. */
  | { outcome: 'parked' }
  /** Already in the ledger (or parked) with the same digest: a redelivery. */
  | { outcome: 'duplicate' };

/**
 * Appends ledgered events exactly once, in causal order, with gap-free indices. Every append
 * is one transaction that holds the origin's state row lock, so indices and session sequence
 * numbers are assigned one writer at a time.
 */
@Injectable()
export class EntriesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EntriesService.name);
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: EntriesRepository,
    private readonly tree: TreeService,
    @Inject(LedgerConfig) private readonly config: LedgerConfig,
  ) {}

  private get origin(): string {
    return this.config.LEDGER_ORIGIN;
  }

  onModuleInit(): void {
    const every = Math.min(Math.max(this.config.LEDGER_PARK_TIMEOUT_MS / 4, 1_000), 60_000);
    this.sweeper = setInterval(() => {
      this.releaseStaleParked().catch((err: Error) =>
        this.logger.error({ err: err.message }, 'releasing stale parked events failed'),
      );
    }, every);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  async append(event: object): Promise<AppendResult> {
    const incoming = canonicalEvent(event);
    const { id, causationid } = incoming.event;
    return this.repo.transaction(async (tx) => {
      const log = await this.repo.lockLog(tx, this.origin);
      const known = (await this.repo.findEntryByEventId(tx, id)) ?? (await this.repo.findParked(tx, id));
      if (known) {
        this.assertSameEvent(known.payloadSha256, incoming);
        return { outcome: 'duplicate' };
      }
      const awaitsType = lifecyclePredecessor(incoming.event) ?? null;
      if (causationid && !(await this.causeIsLedgered(tx, incoming.event, causationid, awaitsType))) {
        await this.repo.park(tx, {
          eventId: id,
          causationId: causationid,
          eventType: incoming.event.type,
          actionId: incoming.event.actionid,
          awaitsType,
          payload: incoming.event,
          payloadSha256: incoming.sha256,
        });
        this.logger.log(
          { eventId: id, causationId: causationid, actionId: incoming.event.actionid },
          'event parked until its cause is appended',
        );
        return { outcome: 'parked' };
      }
      return { outcome: 'appended', entries: await this.appendWithDependents(tx, log, incoming) };
    });
  }

  /**
   * Appends events whose cause has not arrived within LEDGER_PARK_TIMEOUT_MS, so that a cause
   * that is never ledgered cannot keep them out for good. Causal order is lost for these only.
   */
  async releaseStaleParked(now = new Date()): Promise<NewEntry[]> {
    return this.repo.transaction(async (tx) => {
      const log = await this.repo.lockLog(tx, this.origin);
      const stale = await this.repo.staleParked(tx, new Date(now.getTime() - this.config.LEDGER_PARK_TIMEOUT_MS), 100);
      const appended: NewEntry[] = [];
      for (const parked of stale) {
        if (!(await this.repo.removeParked(tx, parked.eventId))) continue; // released by an earlier cascade
        this.logger.warn(
          { eventId: parked.eventId, causationId: parked.causationId, parkedAt: parked.parkedAt },
          'cause never arrived: appending parked event out of causal order',
        );
        appended.push(...(await this.appendWithDependents(tx, log, canonicalEvent(parked.payload))));
      }
      return appended;
    });
  }

  findByIndex(index: number): Promise<LedgerEntryEntity | null> {
    return this.repo.findByIndex(this.origin, index);
  }

  findByEventId(eventId: string): Promise<LedgerEntryEntity | null> {
    return this.repo.findByEventId(this.origin, eventId);
  }

  findByAction(actionId: string): Promise<LedgerEntryEntity[]> {
    return this.repo.findByAction(this.origin, actionId);
  }

  /** Its cause is appended, or (when the cause is a work message) its lifecycle predecessor is. */
  private async causeIsLedgered(
    tx: EntityManager,
    event: PlainEvent,
    causationId: string,
    awaitsType: string | null,
  ): Promise<boolean> {
    if (await this.repo.isAppended(tx, causationId)) return true;
    return awaitsType !== null && this.repo.hasActionEvent(tx, event.actionid, awaitsType);
  }

  /** Appends `first`, then every parked event it (transitively) releases. */
  private async appendWithDependents(
    tx: EntityManager,
    log: LogStateEntity,
    first: CanonicalEvent,
  ): Promise<NewEntry[]> {
    const appended: NewEntry[] = [];
    const queue = [first];
    for (let next = queue.shift(); next; next = queue.shift()) {
      appended.push(await this.appendOne(tx, log, next));
      const released = await this.repo.takeParkedReleasedBy(tx, {
        id: next.event.id,
        actionId: next.event.actionid,
        type: next.event.type,
      });
      queue.push(...released.map((p) => this.unpark(p.payload, p.payloadSha256)));
    }
    await this.tree.extend(tx, log, appended);
    await this.repo.saveState(tx, log);
    return appended;
  }

  private async appendOne(tx: EntityManager, log: LogStateEntity, event: CanonicalEvent): Promise<NewEntry> {
    const sessionSeq = await this.repo.nextSessionSeq(tx, log.origin, event.event.sessionid);
    const built = buildEntry(log.origin, event, sessionSeq);
    const entry: NewEntry = {
      origin: log.origin,
      index: log.size,
      eventId: event.event.id,
      eventType: event.event.type,
      actionId: event.event.actionid,
      sessionId: event.event.sessionid,
      sessionSeq,
      entry: built.text,
      leafHash: built.leafHash,
      payload: event.event,
      payloadSha256: event.sha256,
    };
    await this.repo.insertEntry(tx, entry);
    log.size += 1;
    return entry;
  }

  private unpark(payload: object, parkedSha256: string): CanonicalEvent {
    const event = canonicalEvent(payload);
    if (event.sha256 !== parkedSha256) {
      // JSON stored as jsonb should read back to the same canonical form; say so if it did not.
      this.logger.error(
        { eventId: event.event.id, parkedSha256, sha256: event.sha256 },
        'parked event changed digest in storage',
      );
    }
    return event;
  }

  private assertSameEvent(knownSha256: string, incoming: CanonicalEvent): void {
    if (knownSha256 === incoming.sha256) return;
    const details = {
      eventId: incoming.event.id,
      eventType: incoming.event.type,
      ledgered: knownSha256,
      received: incoming.sha256,
    };
    this.logger.error(
      details,
      'conflicting duplicate: an event id already in the ledger arrived with different content',
    );
    throw new DomainError(
      'LEDGER.CONFLICTING_DUPLICATE',
      `event ${incoming.event.id} is already ledgered with a different digest`,
      details,
    );
  }
}
