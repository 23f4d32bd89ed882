export { Bucket, type BucketBounds, type EntryState } from './bucket.js';
export { Lifetimes, pastMaxAge, type LifetimeSettings, type RemovalCause } from './lifetimes.js';
export { Sweeper } from './sweeper.js';
export { safeWeigher, type EntryWeigher } from './entry-weigher.js';
export { bucketBounds } from './bucket-bounds.js';
