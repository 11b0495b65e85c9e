export * from './app-exception.filter';
export * from './http-status';
export * from './json-body';
export * from './logger.module';
export * from './metrics.controller';
export * from './validation.pipe';
