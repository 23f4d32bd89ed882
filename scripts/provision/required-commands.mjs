// The commands `npm test` and `npm run bench` need beyond Node.js, each with the Debian/Ubuntu package
// that provides it and what needs it (`tests`, `bench`, or both). A test or benchmark that needs another
// command adds one line here.
export const REQUIRED_COMMANDS = [
  { command: 'redis-server', debianPackage: 'redis-server', neededBy: 'the cluster-mode tests and benchmarks', for: ['tests', 'bench'] },
  { command: 'chromium', debianPackage: 'chromium', neededBy: 'the cache board tests in a browser', for: ['tests'] },
  { command: 'redis-cli', debianPackage: 'redis-tools', neededBy: 'the Redis Cluster tests and benchmark (redis-cli --cluster create)', for: ['tests', 'bench'] },
  { command: 'openssl', debianPackage: 'openssl', neededBy: 'the TLS test (its certificates)', for: ['tests'] },
];

/** The commands that `purpose` (`tests` or `bench`) needs. */
export const requiredFor = (purpose) => REQUIRED_COMMANDS.filter((requirement) => requirement.for.includes(purpose));
