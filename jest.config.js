/** Jest in ESM mode (NestJS 12 is ESM-only): run with NODE_OPTIONS=--experimental-vm-modules. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The sample app imports the library by its package name and gets the build, as a user's app does.
    '^nest-cache-worker$': '<rootDir>/dist/index.js',
    '^nest-cache-worker/(health|metrics)$': '<rootDir>/dist/$1/index.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // Packaging tests (the packed library in real apps, the API reference): `npm run test:compat`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/compat/'],
  testTimeout: 30000,
  // Installs (as root on Debian/Ubuntu) or asks for the commands the tests need: scripts/provision/.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
};
