import 'reflect-metadata';
import { ClassConstructor } from 'class-transformer';
import { EventEnvelope } from './envelope';

/** Everything the platform knows about one event type, defined once. */
export interface EventDefinition<T extends object = object> {
  /** CloudEvents `type`, e.g. `verity.action.requested.v1`. */
  readonly type: string;
  readonly version: number;
  /** Topic `<owner>.<aggregate>.<event>.v<N>`; its dead letters go to `<topic>.dlq`. */
  readonly topic: string;
  readonly payload: ClassConstructor<T>;
  /** Lifecycle events are appended to the ledger; work messages are not. */
  readonly ledgered: boolean;
  /** Topic retention; undefined keeps the broker default. */
  readonly retentionMs?: number;
  /** Kafka key. Never empty: the session id, so one session's events keep their order. */
  key(event: EventEnvelope<T>): string;
}

export const bySession = (event: EventEnvelope<object>): string => event.sessionid;

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
