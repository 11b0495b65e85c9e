import { createHash } from 'node:crypto';
import { canonicalJson, EventEnvelope, LedgerEntryV1 } from '@verity/contracts';
import { leafHash } from '../merkle/merkle-hash';

export const ENTRY_SCHEMA = 1;

/** A ledgered event reduced to plain JSON (no class instances, no undefined members). */
export type PlainEvent = EventEnvelope<object>;

/** The event's canonical form: what is digested, stored and compared on redelivery. */
export interface CanonicalEvent {
  event: PlainEvent;
  /** RFC 8785 canonical JSON of the whole event. */
  text: string;
  sha256: string;
  size: number;
}

export function canonicalEvent(event: object): CanonicalEvent {
  const plain = JSON.parse(JSON.stringify(event)) as PlainEvent;
  const text = canonicalJson(plain);
  return {
    event: plain,
    text,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    size: Buffer.byteLength(text, 'utf8'),
  };
}

/** The committed bytes of a stored entry's payload (recomputed for entries stored before they were kept). */
export function payloadTextOf(row: { payloadText: string | null; payload: PlainEvent }): string {
  return row.payloadText ?? canonicalJson(row.payload);
}

export interface BuiltEntry {
  entry: LedgerEntryV1;
  /** The leaf's bytes: canonical JSON of the entry. */
  text: string;
  leafHash: string;
}

/**
 * The record the Merkle log commits to for one event. It names the event and carries the
 * digest of its canonical JSON; Kafka coordinates (topic, partition, offset) stay out so the
 * log does not depend on how the event travelled.
 */
export function buildEntry(origin: string, event: CanonicalEvent, sessionSeq: number): BuiltEntry {
  const entry: LedgerEntryV1 = {
    schema: ENTRY_SCHEMA,
    origin,
    eventId: event.event.id,
    eventType: event.event.type,
    sessionId: event.event.sessionid,
    sessionSeq,
    occurredAt: event.event.time,
    payloadSha256: event.sha256,
    payloadSize: event.size,
  };
  const text = canonicalJson(entry);
  return { entry, text, leafHash: leafHash(text) };
}
