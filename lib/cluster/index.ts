export { ClusterCoordinator, DEFAULT_CLUSTER_NAMESPACE } from './cluster-coordinator.js';
export { BucketCoordinator, type ClusterRole } from './bucket-coordinator.js';
export type { CacheWorkerClusterOptions, ClusterRedisInstance, ClusterRedisNodesOptions, ClusterRedisOptions } from './cluster-options.interface.js';
