export { Bucket, type BucketBounds } from './bucket.js';
export { safeWeigher, type EntryWeigher } from './entry-weigher.js';
