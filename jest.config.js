/** Jest projects: unit specs sit beside the code (and the runbook runner's, in test/runbooks/); integration, conformance and security suites run against real services; serial holds the few suites of those that must run alone (SERIAL below); runbooks runs runbooks/ against the local bring-up. */
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
  // stays untransformed, as by default, except @kubernetes/client-node 1.4 and the packages it
  // loads, which are ESM-only (../shared/STACK.md): ts-jest compiles them to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@opentelemetry/otlp-exporter-base|@kubernetes/client-node|openid-client|oauth4webapi|jose)/)'],
};
/**
 * Suites that cannot share the machine with another test file, so scripts/test.sh runs them alone
 * (jest project `serial`, in band) after the parallel run of the four projects (2 workers). Keep
 * this list short: each entry costs its whole duration on top of the parallel run. Each says why.
 * Run one alone: `npx jest --ci --runInBand <path> --selectProjects serial`.
 */
const SERIAL = [
  // A whole deployment as ~10 processes (2 routing gateways, a Pacer broker, copiers, pinlater-ops),
  // and it asserts that no client call fails outside the window of its gateway kill: a broker call
  // has Pacer's 2 s timeout (brokerCallTimeoutMs), which a broker sharing 2 CPUs with another
  // file's processes missed ("Pacer broker(s) unreachable", seen with 2 workers).
  'test/integration/migration-end-to-end.test.ts',
];
/** `<rootDir>/` + path, as a regular expression (testPathIgnorePatterns). */
const pathPattern = (path) => `<rootDir>/${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
const notSerial = ['/node_modules/', ...SERIAL.map(pathPattern)];
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{core,gateway,legacy-adapter,pacer,migration,dashboards,scripts}/**/*.spec.ts', '<rootDir>/test/runbooks/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      testPathIgnorePatterns: notSerial,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'conformance',
      testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
      testPathIgnorePatterns: notSerial,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.test.ts'],
      testPathIgnorePatterns: notSerial,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      ...common,
      displayName: 'serial',
      testMatch: SERIAL.map((path) => `<rootDir>/${path}`),
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    // Every `bash runnable` block of runbooks/ against the local bring-up (scripts/up.sh, which the
    // test starts when nothing runs, and stops again). Not part of the jest stage of
    // scripts/test.sh, which runs the projects above: it has its own stage after it.
    {
      ...common,
      displayName: 'runbooks',
      testMatch: ['<rootDir>/test/runbooks/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
