import { DEFAULT_DATABASE_URL } from '@verity/config';

/** The database tests use: DATABASE_URL's server with a test database; refuses other names. */
export function testDatabaseUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL.replace(/\/verity$/, '/verity_test'));
  const name = url.pathname.slice(1);
  if (!/test/.test(name))
    throw new Error(`refusing to run tests against database "${name}": its name must contain "test"`);
  return url.toString();
}

/**
 * The demo target database the gateway runs SQL on in tests, and the role it logs in as; both
 * named after the test database so that test runs on separate test databases stay apart.
 */
export function testTarget(purpose: 'int' | 'e2e'): { database: string; role: string } {
  const name = new URL(testDatabaseUrl()).pathname.slice(1);
  return { database: `${name}_demo`, role: `${name}_${purpose}_agent` };
}

export function testKafkaBrokers(): string {
  return process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
}

/** Points the platform config at the test infrastructure, for apps booted inside a test. */
export function useTestEnvironment(extra: Record<string, string> = {}): void {
  process.env.DATABASE_URL = testDatabaseUrl();
  process.env.KAFKA_BROKERS = testKafkaBrokers();
  if (!process.env.LOG_LEVEL) process.env.LOG_LEVEL = 'warn';
  Object.assign(process.env, extra);
}
