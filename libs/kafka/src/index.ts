export * from './consume-event.decorator';
export * from './event-context';
export * from './event-publisher';
export * from './kafka-event.server';
export * from './kafka.module';
export * from './kafka.tokens';
export * from './event-batch-consumer';
