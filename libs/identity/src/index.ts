export * from './api-key-authenticator';
export * from './auth.guard';
export * from './dev-issuer';
export * from './identity.config';
export * from './identity.module';
export * from './token-verifier';
