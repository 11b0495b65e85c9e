import { EventPattern } from '@nestjs/microservices';
import { EventDefinition } from '@verity/contracts';

export const DEFAULT_CONSUMER = 'default';

export interface ConsumeOptions {
  /** Which of the app's Kafka servers runs this handler (see KafkaEventServer `name`). */
  consumer?: string;
}

/**
 * Marks a handler for one registered event. The Kafka server subscribes to the event's topic,
 * validates every message against the contract and hands the handler a typed envelope;
 * invalid messages go to the dead-letter topic and never reach the handler.
 */
export function ConsumeEvent(def: EventDefinition, options: ConsumeOptions = {}): MethodDecorator {
  return EventPattern(def.topic, {
    consumer: options.consumer ?? DEFAULT_CONSUMER,
  });
}
