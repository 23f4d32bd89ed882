/** Every error and log text of the library, so their wording is reviewed in one place. */

const where = (bucket: string, field: string) => `cache worker "${bucket}": field "${field}"`;

// Configuration
export const notDecorated = (storeName: string) =>
  `${storeName} is registered with CacheWorkerModule.forFeature but has no @CacheWorker({ bucket }) decorator`;
export const invalidStoreEntry = (index: number, entry: unknown) =>
  `CacheWorkerModule.forFeature: entry ${index} is ` +
  (entry !== null && typeof entry === 'object' ? 'an object without a "store" class' : describeValue(entry)) +
  '; expected a class decorated with @CacheWorker, or { store: TheClass, ...overrides } (undefined often means a circular import)';
export const notAStore = (storeName: string) =>
  `${storeName} is decorated with @CacheWorker but does not extend CacheWorkerStore`;
export const missingLoad = (bucket: string) =>
  `${where(bucket, 'load')}: the store has neither a load(key) nor a loadMany(keys) method; it needs at least one`;
export const missingWeigh = (bucket: string) =>
  `${where(bucket, 'maxWeight')}: a bound on the weight needs the store's weigh(key, value) method`;
export const emptyBucket = (storeName: string) =>
  `${storeName}: field "bucket" of @CacheWorker must be a non-empty string`;
export const duplicateBucket = (bucket: string, first: string, second: string) =>
  `cache worker "${bucket}": field "bucket" is used by both ${first} and ${second}; bucket names must be unique`;
export const storeListedTwice = (bucket: string, storeName: string) =>
  `cache worker "${bucket}": field "bucket": ${storeName} is listed twice in CacheWorkerModule.forFeature; ` +
  'a store is registered once (a second registration is a duplicate bucket)';
export const bucketOverride = (bucket: string, source: string) =>
  `${where(bucket, 'bucket')}: the bucket name is set in @CacheWorker only, not in ${source}`;
export const unknownField = (bucket: string, field: string, source: string) =>
  `${where(bucket, field)}: unknown field in ${source}`;
export const notAnObject = (bucket: string, source: string) =>
  `cache worker "${bucket}": ${source} must be an object`;
export const invalidField = (bucket: string, field: string, expected: string, value: unknown) =>
  `${where(bucket, field)}: expected ${expected}, got ${describeValue(value)}`;
export const invalidOption = (bucket: string, option: string, expected: string, value: unknown) =>
  `cache worker "${bucket}": option "${option}": expected ${expected}, got ${describeValue(value)}`;
export const sharedFile = (bucket: string, other: string, file: string) =>
  `${where(bucket, 'file')}: "${file}" is also the dump file of bucket "${other}"; each bucket needs its own file`;
export const missingDependency = (bucket: string, storeName: string, cause: string) =>
  `cache worker "${bucket}": ${storeName} can't be created: a dependency is missing. Add the module that ` +
  `provides it to CacheWorkerModule.forFeature([${storeName}], { imports: [...] }).\n${cause}`;
export const unknownBuckets = (names: string[]) =>
  `CacheWorkerModule.forRoot: field "buckets" names buckets no store registers: ${names.join(', ')}`;

// Startup
export const initStopped = (bucket: string, reason: string) => `cache worker "${bucket}": init stopped startup: ${reason}`;
export const initThrew = (error: string) => `init threw: ${error}; startup continues with an empty bucket`;
export const initWarned = (message: string) => `init: ${message}`;
export const initFailed = (error: string) => `init failed: ${error}; startup continues`;
export const initInvalidResult = () => `init returned something that is not an InitResult; it is ignored`;
export const initSeedInvalid = (error: string) => `init returned a seed that can't be read: ${error}; it is ignored`;
export const dumpMissing = (file: string) => `no dump at ${file} (normal on a first start); running init`;
export const dumpLoaded = (entries: number, file: string, ms: number) =>
  `loaded ${entries} entries from ${file} in ${ms.toFixed(1)} ms`;
export const dumpUnusable = (file: string, reason: string) => `dump ${file} can't be used: ${reason}`;
export const dumpUnreadable = (file: string, reason: string, keptAs: string | null) =>
  `${dumpUnusable(file, reason)}; ` +
  (keptAs ? `kept as ${keptAs}; ` : '') +
  'running init';
export const reviveFailed = (count: number, error: string) =>
  `revive threw for ${count} entries of the dump (first error: ${error}); those keys will load on demand`;
export const reviveReturnedPromise = () => `revive returned a promise; it must return the value itself`;
export const oldCorruptRemoved = (count: number) =>
  `removed ${count} older unusable dumps kept aside (the newest three are kept)`;
export const staleTempRemoved = (count: number) => `removed ${count} temporary dump files left by an interrupted write`;

// Loads
export const loadFailed = (key: string, error: string) => `load(${key}) failed: ${error}`;
export const loadThrew = (key: string, error: string) => `load(${key}) threw: ${error}`;
export const loadTimedOut = (ms: number) => `load timed out after ${ms} ms`;
export const loadAborted = () => `load aborted: the application is shutting down`;
export const loadInvalidAge = (field: 'maxAge' | 'retryAfter', expected: string, value: unknown) =>
  `load returned an invalid ${field}: expected ${expected}, got ${describeValue(value)}`;
export const loadInvalidResult = () => `load returned something that is not a LoadResult ({ ok: true, value } or { ok: false, error })`;
export const loadExtraInvalid = (key: string, error: string) => `load(${key}) returned an extra that can't be read: ${error}`;
export const loadDebug = (key: string, ms: number) => `load(${key}) took ${ms.toFixed(1)} ms`;
export const invalidKey = (error: string) => `invalid key: ${error}`;
export const invalidKeys = (bucket: string, method: string) =>
  `cache worker "${bucket}": ${method}(keys): expected an array or another iterable of keys (not a string); answered []`;

// Batch loads (loadMany)
export const loadManyInvalidResult = () =>
  `loadMany returned something that is not a Map, an array of LoadResult in the order of the keys, ` +
  `or an iterable of [key, LoadResult] pairs`;
export const loadManyInvalidPair = () => `loadMany returned an entry that is not a [key, LoadResult] pair`;
export const loadManyNoResult = (key: string) => `loadMany gave no result for ${key}`;
export const batchFailed = (size: number, sample: string, error: string) =>
  `loadMany of ${size} keys (${sample}) failed: ${error}`;
export const batchKeysFailed = (failed: number, size: number, sample: string[]) =>
  `loadMany: ${failed} of ${size} keys failed (${sample.join('; ')}${failed > sample.length ? '; …' : ''})`;
export const batchIgnored = (size: number, unasked: number, repeated: number) =>
  `loadMany of ${size} keys: ignored ${unasked} results for keys not asked for and ${repeated} repeated results`;
export const batchDebug = (size: number, ms: number) => `loadMany of ${size} keys took ${ms.toFixed(1)} ms`;
export const keyTooDeep = (limit: number) => `a key may nest at most ${limit} levels (is it cyclic?)`;

// Bounds
export const weighThrew = (key: string, error: string) =>
  `weigh(${key}) threw: ${error}; such entries weigh 1 (logged once)`;
export const weighInvalid = (key: string, value: unknown) =>
  `weigh(${key}) returned ${describeValue(value)}, not a finite number of at least 0; such entries weigh 1 (logged once)`;

// Refresh
export const refreshSummary = (refreshed: number, failed: number, skipped: number, ms: number) =>
  `refresh: ${refreshed} refreshed, ${failed} failed, ${skipped} skipped in ${ms.toFixed(0)} ms`;
export const refreshFailures = (failed: number, sample: string[]) =>
  `refresh: ${failed} keys failed and kept their old value (${sample.join('; ')}${failed > sample.length ? '; …' : ''})`;
export const refreshFilterThrew = (key: string, error: string) =>
  `refreshFilter(${key}) threw: ${error}; the old value is kept`;
export const refreshSkippedTick = () => `refresh tick skipped: the previous refresh is still running`;
export const refreshCrashed = (error: string) => `refresh failed: ${error}`;

// Dumps
export const dumpWritten = (entries: number, bytes: number, ms: number) =>
  `dump written: ${entries} entries, ${bytes} bytes in ${ms.toFixed(1)} ms`;
export const dumpWriteFailed = (file: string, error: string) =>
  `dump to ${file} failed: ${error}; the bucket keeps serving and the next dump retries`;
export const dumpLeftOut = (count: number, error: string) =>
  `${count} entries can't be serialized and were left out of the dump (first error: ${error})`;
export const notCloneable = (kind: string) =>
  `a value of type ${kind} holds something node:v8 can't serialize (a function, a symbol, …)`;
export const noDumpFile = (bucket: string) => `cache worker "${bucket}" has no dump file`;
export const cacheDisabled = (bucket: string) => `cache worker "${bucket}" has the cache disabled; nothing is dumped`;

// Shutdown
export const shutdownWaitExpired = (count: number, ms: number) =>
  `${count} loads ignored their abort signal for ${ms} ms; shutdown goes on without them`;

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value;
}

// Dump format (reasons a dump can't be used)
export const dumpTooShort = (size: number) => `the file is too short for a dump (${size} bytes)`;
export const dumpBadMagic = () => `it is not a cache worker dump (bad magic)`;
export const dumpBadVersion = (found: number, oldest: number, newest: number) =>
  `format version ${found} is not supported (this version reads ${oldest} to ${newest})`;
export const dumpHeaderChecksum = () => `the header checksum does not match`;
export const dumpOtherBucket = (found: string) => `it is the dump of bucket "${found}"`;
export const dumpTruncated = (expected: number, found: number) =>
  `its size is wrong (expected ${expected} bytes, found ${found}): truncated or appended to`;
export const dumpPayloadChecksum = () => `the payload checksum does not match`;
export const dumpBadChunk = (offset: number) => `the chunk at byte ${offset} can't be read`;
export const dumpCountMismatch = (expected: number, found: number) =>
  `it holds ${found} entries where its header says ${expected}`;
export const dumpNotAFile = () => `it is not a regular file`;
export const notRegistered = (storeName: string) =>
  `${storeName} is not registered: add it to CacheWorkerModule.forFeature([...]), not to a module's providers`;
export const observerThrew = (event: string, error: string) => `an integration listening to "${event}" threw: ${error}`;

// Operations integrations (health, metrics, events)
export const healthRefreshesFailed = (count: number) => `the last ${count} refreshes all failed`;
export const healthDumpTooOld = (ageMs: number, limitMs: number) =>
  `the last dump is ${Math.round(ageMs)} ms old (limit ${limitMs} ms)`;
export const healthDumpFailing = (error: string) => `the last dump write failed: ${error}`;
export const healthNoDumpYet = (ageMs: number, limitMs: number) =>
  `no dump written in the ${Math.round(ageMs)} ms since startup (limit ${limitMs} ms)`;
export const invalidIntegrationOption = (integration: string, field: string, expected: string, value: unknown) =>
  `${integration}: option "${field}": expected ${expected}, got ${describeValue(value)}`;
export const unknownIntegrationOption = (integration: string, field: string, known: readonly string[]) =>
  `${integration}: unknown option "${field}" (the options are ${known.join(', ')})`;
/** Whether the OpenTelemetry module records a signal: `off` by its options, `no provider` when the SDK has none registered. */
export type OtelSignalState = 'on' | 'off' | 'no provider';
const otelSignal = (signal: 'spans' | 'metrics', state: OtelSignalState) =>
  state !== 'no provider'
    ? `${signal} ${state}`
    : `${signal} off (no ${signal === 'spans' ? 'tracer' : 'meter'} provider is registered: start the OpenTelemetry SDK before the app is created)`;
export const otelSpanFailed = (error: string) =>
  `OpenTelemetry: the tracer or a span processor threw (${error}); the cache goes on, without the spans that fail`;
export const otelRefreshFailed = (failed: number, total: number) =>
  `${failed} of ${total} keys failed; their old values were kept`;
export const otelStarted = (spans: OtelSignalState, metrics: OtelSignalState) =>
  `OpenTelemetry: ${otelSignal('spans', spans)}, ${otelSignal('metrics', metrics)}`;
export const eventsListenerThrew = (event: string, error: string) =>
  `a listener of "${event}" threw: ${error}; the cache worker goes on`;
export const metricHelp = (metric: string) => METRIC_HELP[metric] ?? metric;

const METRIC_HELP: Record<string, string> = {
  hits: 'Reads answered from the bucket without loading',
  misses: 'Reads that had to load',
  loads: 'Keys loaded from the source, by load(key) or in a loadMany batch, on demand and in refreshes',
  batches: 'Calls of loadMany(keys), on demand and in refreshes',
  batched_keys: 'Keys asked for in loadMany calls',
  load_errors: 'Loads that failed, timed out or were aborted',
  refreshes: 'Full refreshes completed',
  refresh_failures: 'Keys that failed in full refreshes (their old value was kept)',
  dumps: 'Dumps written',
  dump_errors: 'Dump writes that failed',
  entries: 'Entries in the bucket',
  dump_bytes: 'Size of the last dump written, in bytes',
  evictions: 'Entries evicted to keep the bucket within maxEntries and maxWeight',
  load_duration_seconds: 'Duration of load(key), by result',
  batch_duration_seconds: 'Duration of loadMany(keys) calls, by result',
  refresh_duration_seconds: 'Duration of full refreshes',
  dump_duration_seconds: 'Duration of dump writes',
};

// Cluster mode
export const invalidClusterOption = (field: string, expected: string, value: unknown) =>
  `CacheWorkerModule.forRoot: field "${field}": expected ${expected}, got ${describeValue(value)}`;
export const clusterNeedsIoredis = (error: string) =>
  `CacheWorkerModule.forRoot: field "cluster" needs the ioredis package (npm install ioredis): ${error}`;
export const clusterUnreachable = (target: string, reason: string) =>
  `cluster mode: Redis at ${target} is unreachable (${reason}); each instance serves, loads and refreshes on its ` +
  `own until it is back, and reconnection is retried in the background`;
export const clusterReachable = (target: string, instanceId: string) =>
  `cluster mode: connected to Redis at ${target} as instance ${instanceId}`;
export const clusterNotReadyInTime = (ms: number) => `no connection within ${ms} ms at startup`;
export const clusterConnectionClosed = () => `the connection closed`;
export const clusterLeads = () => `cluster mode: this instance now runs the refreshes of the bucket`;
export const clusterFollows = () => `cluster mode: another instance runs the refreshes of the bucket`;
export const clusterUnsendable = (type: string, error: string) =>
  `cluster mode: a "${type}" can't be sent to the other instances: ${error}`;
export const clusterUnreadableMessage = (channel: string) => `cluster mode: ignored a message on ${channel} that can't be read`;
export const clusterUnappliable = (type: string, error: string) =>
  `cluster mode: a "${type}" from another instance can't be applied: ${error}`;
export const snapshotLoaded = (entries: number, ms: number) =>
  `loaded ${entries} entries from the shared snapshot in ${ms.toFixed(1)} ms`;
export const snapshotShared = (version: number, entries: number, bytes: number) =>
  `shared snapshot version ${version}: ${entries} entries, ${bytes} bytes`;
export const snapshotShareFailed = (error: string) =>
  `cluster mode: the shared snapshot can't be written: ${error}; the next refresh retries`;
export const snapshotUnusable = (reason: string) => `cluster mode: the shared snapshot can't be used: ${reason}; it is ignored`;
export const snapshotAbsent = () => `there is no shared snapshot, or Redis is unreachable`;
export const snapshotApplyAborted = () => `the application is shutting down`;
export const snapshotTorn = (version: number) => `a chunk of version ${version} is missing (replaced while it was read)`;

// Cache board
export const integrationOptionsNotObject = (integration: string, value: unknown) =>
  `${integration}: expected an options object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : describeValue(value)}`;
export const boardUnknownBucket = (bucket: string) => `no bucket "${bucket}"`;
export const boardMissingKey = () => `give the key in "key"`;
export const boardBadFormat = (format: unknown) => `"format" must be "text" or "json", got ${describeValue(format)}`;
export const boardBadJsonKey = (error: string) => `the key is not valid JSON: ${error}`;
export const boardBadCsrfToken = () => `missing or wrong CSRF token (header x-csrf-token): reload the board`;
export const unprintableValue = () => `[a value that cannot be printed]`;
export const boardRefreshed = (bucket: string, from: string, refreshed: number, failed: number, skipped: number, ms: number) =>
  `board: refresh of "${bucket}" asked by ${from}: ${refreshed} refreshed, ${failed} failed, ${skipped} skipped in ${ms.toFixed(0)} ms`;
export const boardDumped = (bucket: string, from: string, result: string) => `board: dump of "${bucket}" asked by ${from}: ${result}`;
export const boardInvalidated = (bucket: string, from: string, key: string, was: boolean) =>
  `board: invalidate ${key} in "${bucket}" asked by ${from}: ${was ? 'dropped' : 'was not cached'}`;
export const boardCleared = (bucket: string, from: string, count: number) =>
  `board: clear of "${bucket}" asked by ${from}: ${count} entries removed`;

// Dump inspector (`npx nest-cache-worker inspect`)
export const cliUsage = () =>
  [
    'usage: nest-cache-worker inspect <dump-file> [--keys N] [--json] [--values]',
    '',
    '  prints the header of a cache worker dump (bucket, format version, created, entries, bytes),',
    '  whether its checksums match, and its first N keys (10 by default); exits 1 when the dump is',
    '  unusable, saying why, as the app would at startup.',
    '',
    '  --keys N   how many keys to print (0: none)',
    '  --json     print one JSON object instead of text',
    '  --values   print each listed key\'s value too (values are never printed without it)',
  ].join('\n');
export const cliMissingCommand = () => `give a command: inspect`;
export const cliUnknownCommand = (command: string) => `unknown command "${command}"`;
export const cliUnknownOption = (option: string) => `unknown option "${option}"`;
export const cliMissingFile = () => `give the dump file to inspect`;
export const cliExtraArgument = (argument: string) => `one dump file at a time (also got "${argument}")`;
export const cliBadKeyCount = (value: string | undefined) =>
  `--keys takes a whole number of keys, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`;
export const cliCannotOpen = (error: string) => `the file can't be read: ${error}`;
export const unexpectedRedisReply = (command: string, reply: unknown) =>
  `Redis answered ${command} with ${describeValue(reply)}, not what cluster mode expects`;
export const snapshotChunkLost = (index: number) =>
  `chunk ${index} was gone from Redis before the snapshot could be published (evicted: see maxmemory-policy); ` +
  `the previous snapshot stays, the next refresh writes a new one`;
export const redisMisconfigured = (command: string, error: string, advice: string) =>
  `cluster mode: Redis refused ${command} (${error}): ${advice}; until then what needs it is done by each ` +
  `instance on its own, and this is logged once`;
export const adviceNoPermission = (rule: string) =>
  `the Redis user lacks a permission cluster mode needs: give it the rule ${rule}`;
export const adviceMoved = () =>
  `this Redis is a Redis Cluster: pass cluster.redis as { nodes: [{ host, port }, …], ...clusterOptions } or an ioredis Cluster`;
export const adviceCrossSlot = () =>
  `the keys of one bucket reached Redis in different slots: something between this library and Redis renames keys ` +
  `(a proxy, a key prefix); cluster mode needs them as it names them`;
export const adviceOutOfMemory = () =>
  `Redis is full and evicts nothing: set maxmemory-policy to allkeys-lru or volatile-lru, or raise maxmemory`;
export const adviceReadOnly = () =>
  `this Redis is a replica: connect to the primary (its primary endpoint, or through Sentinel)`;
export const adviceUnknownCommand = () => `this Redis lacks the command, or has it renamed or disabled`;
export const snapshotFenced = () =>
  `cluster mode: the snapshot was not published: this instance's lease term ended while it was written`;
export const clusterOfflineQueueFull = (keys: number) =>
  `cluster mode: more than ${keys} keys changed while Redis was unreachable; the changes of further keys stay ` +
  `on this instance (the others keep what they have until the next refresh)`;
