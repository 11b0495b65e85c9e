import { v7 as uuidv7 } from 'uuid';
import { EnvelopeInit, EventEnvelope } from './envelope';
import { EventDefinition } from './event-definition';

/** Builds a complete envelope for `def`; the caller supplies identity and payload. */
export function createEvent<T extends object>(def: EventDefinition<T>, init: EnvelopeInit<T>): EventEnvelope<T> {
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: init.source,
    type: def.type,
    time: new Date().toISOString(),
    subject: init.subject ?? init.actionId,
    datacontenttype: 'application/json',
    actionid: init.actionId,
    sessionid: init.sessionId,
    ...(init.causationId ? { causationid: init.causationId } : {}),
    ...(init.traceparent ? { traceparent: init.traceparent } : {}),
    actor: init.actor,
    data: init.data,
  };
}

export function newId(): string {
  return uuidv7();
}
