export * from './events';
export * from './platform';
export * from './test-env';
export * from './topic-tap';
export * from './wait-for';
