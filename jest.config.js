// Three tiers: unit (beside the code, no I/O), int (one app against real Kafka + PostgreSQL),
// e2e (all five processes). See README "Tests".
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const moduleNameMapper = { '^@verity/([a-z-]+)$': '<rootDir>/libs/$1/src' };
const common = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  // Jest applies testTimeout only at the top level; int and e2e hooks boot real services.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/libs/testing/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/global-setup.js',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/{e2e,security}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/global-setup.js',
    },
    // Fault injection (kills apps, restarts the broker and PostgreSQL): only through
    // `npm run test:faults` (scripts/faults.mjs), which gives it a broker and a cluster of its own.
    ...(process.env.VERITY_FAULTS === '1'
      ? [
          {
            ...common,
            displayName: 'faults',
            testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
            globalSetup: '<rootDir>/libs/testing/global-setup.js',
          },
        ]
      : []),
  ],
};
