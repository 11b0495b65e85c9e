export * from './load-config';
export * from './platform.config';
export * from './repo-root';
