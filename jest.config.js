// Two projects: `unit` (libs/ and apps/ *.spec.ts: pure, no database) and `e2e`
// (test/**/*.e2e-spec.ts: a real PostgreSQL, a database per test file cloned from a migrated template).
const moduleNameMapper = {
  '^@lcm/(domain|database|line-client|line-simulator)$': '<rootDir>/libs/$1/src',
  '^@lcm/(domain|database|line-client|line-simulator)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': ['@swc/jest'] };

module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/scripts', '<rootDir>/bench'],
      testMatch: ['**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
