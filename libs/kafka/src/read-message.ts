import { EventDefinition, EventEnvelope, validateEvent } from '@verity/contracts';
import { KafkaMessage } from 'kafkajs';

export type ReadMessage<T> =
  | { ok: true; event: EventEnvelope<T> }
  | { ok: false; code: 'CONTRACT.INVALID_JSON' | 'CONTRACT.INVALID_EVENT'; reasons: string[] };

/**
 * Reads a consumed message as an event of its topic: JSON, then the contract. What every
 * consumer does first; a message that fails goes to the dead-letter topic with the code.
 */
export function readMessage<T extends object>(def: EventDefinition<T>, message: KafkaMessage): ReadMessage<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch (err) {
    return { ok: false, code: 'CONTRACT.INVALID_JSON', reasons: [(err as Error).message] };
  }
  const checked = validateEvent(def, raw);
  return checked.ok ? checked : { ok: false, code: 'CONTRACT.INVALID_EVENT', reasons: checked.errors };
}
