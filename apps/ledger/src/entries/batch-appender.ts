import { Logger } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { EntityManager } from 'typeorm';
import { lifecyclePredecessor } from './causal-order';
import { EntriesRepository, NewEntry } from './entries.repository';
import { buildEntry, CanonicalEvent, canonicalEvent } from './ledger-entry';
import { LogStateEntity } from './log-state.entity';
import { ParkedEventEntity } from './parked-event.entity';

export type EventOutcome =
  | { outcome: 'appended'; entries: NewEntry[] }
  | { outcome: 'parked' }
  | { outcome: 'duplicate' }
  | { outcome: 'conflict'; error: DomainError };

const actionKey = (actionId: string, type: string): string => `${actionId}|${type}`;

/**
 * Appends a batch of events inside one transaction that holds the log lock: what it needs from
 * the tables (known ids, ledgered causes, session sequences, parked dependents) is read in a few
 * set-based queries up front, the rest is decided in memory, and the new rows are written in
 * multi-row inserts by `finish`. Same rules as one event at a time: exactly once by event id,
 * causal order (parking), gap-free indices and session sequences.
 */
export class BatchAppender {
  private readonly logger = new Logger(BatchAppender.name);
  private readonly known = new Map<string, string>();
  private readonly ledgered = new Set<string>();
  private readonly actionTypes = new Set<string>();
  private readonly nextSeq = new Map<string, number>();
  private readonly parked = new Map<string, ParkedEventEntity>();
  private readonly released = new Set<string>();
  private readonly queriedIds = new Set<string>();
  private readonly queriedActions = new Set<string>();
  readonly appended: NewEntry[] = [];

  constructor(
    private readonly tx: EntityManager,
    private readonly repo: EntriesRepository,
    readonly log: LogStateEntity,
  ) {}

  /** Reads what deciding `events` needs, in a handful of queries. */
  async preload(events: CanonicalEvent[]): Promise<void> {
    const ids = events.map((e) => e.event.id);
    const caused = events.filter((e) => e.event.causationid);
    const causes = caused.map((e) => e.event.causationid as string);
    const actions = [...new Set(events.map((e) => e.event.actionid))];
    for (const [id, sha] of await this.repo.knownDigests(this.tx, ids)) this.known.set(id, sha);
    for (const id of await this.repo.appendedAmong(this.tx, causes)) this.ledgered.add(id);
    // Only an event with a cause can wait, for its cause or its lifecycle predecessor in its action.
    const waiting = [...new Set(caused.map((e) => e.event.actionid))];
    for (const { actionId, eventType } of await this.repo.actionTypes(this.tx, waiting)) {
      this.actionTypes.add(actionKey(actionId, eventType));
    }
    await this.loadSessions(events.map((e) => e.event.sessionid));
    await this.loadParked(ids, actions);
  }

  /** Decides and (in memory) appends one event and every parked event it releases. */
  async add(incoming: CanonicalEvent): Promise<EventOutcome> {
    const { id, causationid } = incoming.event;
    const knownSha = this.known.get(id);
    if (knownSha !== undefined) {
      if (knownSha === incoming.sha256) return { outcome: 'duplicate' };
      return { outcome: 'conflict', error: this.conflict(knownSha, incoming) };
    }
    this.known.set(id, incoming.sha256);
    const awaitsType = lifecyclePredecessor(incoming.event) ?? null;
    if (causationid && !this.causeIsLedgered(incoming, causationid, awaitsType)) {
      const parked = {
        eventId: id,
        origin: this.log.origin,
        causationId: causationid,
        eventType: incoming.event.type,
        actionId: incoming.event.actionid,
        awaitsType,
        payload: incoming.event,
        payloadSha256: incoming.sha256,
      };
      await this.repo.park(this.tx, parked);
      this.parked.set(id, { ...parked, parkedAt: new Date() }); // a later event of this batch may release it
      this.logger.log({ eventId: id, causationId: causationid }, 'event parked until its cause is appended');
      return { outcome: 'parked' };
    }
    return { outcome: 'appended', entries: await this.appendWithDependents(incoming) };
  }

  /** Appends a parked event whose cause never came (already removed from `parked` by the caller). */
  async appendReleased(event: CanonicalEvent): Promise<NewEntry[]> {
    if (this.known.has(event.event.id) || this.released.has(event.event.id)) return []; // released by a cascade
    this.known.set(event.event.id, event.sha256);
    this.parked.delete(event.event.id);
    return this.appendWithDependents(event);
  }

  /** Writes the batch's entries and parked deletions. */
  async finish(): Promise<void> {
    await this.repo.insertEntries(this.tx, this.appended);
    await this.repo.removeParkedMany(this.tx, [...this.released]);
  }

  private causeIsLedgered(event: CanonicalEvent, causationId: string, awaitsType: string | null): boolean {
    if (this.ledgered.has(causationId)) return true;
    return awaitsType !== null && this.actionTypes.has(actionKey(event.event.actionid, awaitsType));
  }

  private async appendWithDependents(first: CanonicalEvent): Promise<NewEntry[]> {
    const out: NewEntry[] = [];
    const queue = [first];
    for (let next = queue.shift(); next; next = queue.shift()) {
      out.push(await this.appendOne(next));
      for (const p of await this.releasedBy(next)) queue.push(this.unpark(p));
    }
    return out;
  }

  private async appendOne(event: CanonicalEvent): Promise<NewEntry> {
    const { id, type, actionid, sessionid } = event.event;
    if (!this.nextSeq.has(sessionid)) await this.loadSessions([sessionid]);
    const sessionSeq = this.nextSeq.get(sessionid) ?? 0;
    this.nextSeq.set(sessionid, sessionSeq + 1);
    const built = buildEntry(this.log.origin, event, sessionSeq);
    const entry: NewEntry = {
      origin: this.log.origin,
      index: this.log.size,
      eventId: id,
      eventType: type,
      actionId: actionid,
      sessionId: sessionid,
      sessionSeq,
      entry: built.text,
      leafHash: built.leafHash,
      payload: event.event,
      payloadText: event.text,
      payloadSha256: event.sha256,
    };
    this.appended.push(entry);
    this.log.size += 1;
    this.ledgered.add(id);
    this.actionTypes.add(actionKey(actionid, type));
    return entry;
  }

  /** Parked events waiting for `event` (caused by it, or waiting for its type in its action), oldest first. */
  private async releasedBy(event: CanonicalEvent): Promise<ParkedEventEntity[]> {
    const { id, actionid, type } = event.event;
    if (!this.queriedIds.has(id) || !this.queriedActions.has(actionid)) await this.loadParked([id], [actionid]);
    const out = [...this.parked.values()].filter(
      (p) => p.causationId === id || (p.actionId === actionid && p.awaitsType === type),
    );
    for (const p of out) {
      this.parked.delete(p.eventId);
      this.released.add(p.eventId);
    }
    return out.sort((a, b) => a.parkedAt.getTime() - b.parkedAt.getTime() || a.eventId.localeCompare(b.eventId));
  }

  private async loadParked(ids: string[], actions: string[]): Promise<void> {
    const newIds = ids.filter((i) => !this.queriedIds.has(i));
    const newActions = actions.filter((a) => !this.queriedActions.has(a));
    newIds.forEach((i) => this.queriedIds.add(i));
    newActions.forEach((a) => this.queriedActions.add(a));
    if (newIds.length === 0 && newActions.length === 0) return;
    for (const p of await this.repo.parkedFor(this.tx, newIds, newActions)) {
      if (!this.released.has(p.eventId)) this.parked.set(p.eventId, p);
    }
  }

  private async loadSessions(sessions: string[]): Promise<void> {
    const missing = [...new Set(sessions)].filter((s) => !this.nextSeq.has(s));
    if (missing.length === 0) return;
    const found = await this.repo.nextSessionSeqs(this.tx, this.log.origin, missing);
    for (const s of missing) this.nextSeq.set(s, found.get(s) ?? 0);
  }

  private unpark(p: ParkedEventEntity): CanonicalEvent {
    const event = canonicalEvent(p.payload);
    if (event.sha256 !== p.payloadSha256) {
      this.logger.error(
        { eventId: p.eventId, parked: p.payloadSha256, now: event.sha256 },
        'parked event changed digest',
      );
    }
    this.known.set(event.event.id, event.sha256);
    return event;
  }

  private conflict(knownSha256: string, incoming: CanonicalEvent): DomainError {
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
    return new DomainError(
      'LEDGER.CONFLICTING_DUPLICATE',
      `event ${incoming.event.id} is already ledgered with a different digest`,
      details,
    );
  }
}
