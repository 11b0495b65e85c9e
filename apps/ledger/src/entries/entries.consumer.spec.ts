import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { LEDGERED_EVENTS } from '@verity/contracts';
import { EntriesConsumer } from './entries.consumer';

describe('EntriesConsumer', () => {
  it('has a handler for exactly the ledgered events', () => {
    const proto = EntriesConsumer.prototype as unknown as Record<string, unknown>;
    const topics = Object.getOwnPropertyNames(proto).flatMap(
      (name) => (Reflect.getMetadata(PATTERN_METADATA, proto[name] as object) as string[] | undefined) ?? [],
    );
    expect(topics.sort()).toEqual(LEDGERED_EVENTS.map((d) => d.topic).sort());
  });
});
