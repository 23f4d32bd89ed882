import base from '../../jest.config.js';

/** `npm run test:compat`: the packaging tests, which the default run leaves out. */
export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/compat/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300_000,
};
