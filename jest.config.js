/** Jest projects: unit specs sit beside the code; integration and conformance suites run against real services. */
const tsJest = ['ts-jest', { tsconfig: { isolatedModules: true, allowJs: true } }];
const common = {
  // Node's environment plus the test outcome, so fixtures keep the namespaces of failed tests (test/support/namespace-keeper.ts).
  testEnvironment: '<rootDir>/test/support/namespace-environment.ts',
  transform: { '^.+\\.(t|j)sx?$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
  // The OTLP/HTTP exporter loads node:http with a dynamic import(), which jest's module sandbox
  // rejects (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG) so no span would ever leave a test
  // process: compiling that one package turns the import() into require(). node_modules otherwise
  // stays untransformed, as by default.
  transformIgnorePatterns: ['/node_modules/(?!@opentelemetry/otlp-exporter-base/)'],
};
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{core,gateway,legacy-adapter,pacer,migration,dashboards,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'conformance',
      testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
