import base from '../../jest.config.js';

/** `npm run test:compat`: the compat tests alone, which the default run leaves out. */
export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/compat/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300_000,
};
