// The commands `npm test` and `npm run bench` need beyond Node.js, each with the Debian/Ubuntu package
// that provides it. A test or benchmark that needs another command adds one line here.
export const REQUIRED_COMMANDS = [
  { command: 'redis-server', debianPackage: 'redis-server', neededBy: 'the cluster-mode tests and benchmarks' },
  { command: 'chromium', debianPackage: 'chromium', neededBy: 'the cache board tests in a browser' },
  { command: 'redis-cli', debianPackage: 'redis-tools', neededBy: 'the Redis Cluster test (redis-cli --cluster create)' },
  { command: 'openssl', debianPackage: 'openssl', neededBy: 'the TLS test (its certificates)' },
];
