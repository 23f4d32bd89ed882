export { Bucket } from './bucket.js';
export type { EvictionPolicy, PolicyBounds } from './policy.js';
