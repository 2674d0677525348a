/**
 * Scaling out on Redis + BullMQ: workers on any host (`startWorker`), distributed embedding
 * (`submitEmbed`, then `readEmbedBatches`) and index building, one index per partition
 * (`submitIndex`), and the cluster's state (`clusterStatus`). Needs the optional packages bullmq and
 * ioredis. Guide: docs/jobs.md. Package entry `embedkit/jobs`.
 * @module embedkit/jobs
 */
export { startWorker, type JobWorker, type WorkerEvent, type WorkerOptions } from './worker.js';
export {
  defaultWorkDir,
  readEmbedBatches,
  removeWorkDir,
  submitEmbed,
  type JobsEmbedOptions,
  type JobsEmbedResult,
  type PlannedBatch,
} from './embed-submit.js';
export { MANIFEST_NAME, submitIndex, type JobsIndexOptions, type JobsIndexResult, type ShardManifest } from './index-submit.js';
export type { PartitionRecord } from './index-task.js';
export type { PartitionIndexSettings } from './task-data.js';
export { clusterStatus, type ClusterStatus, type RunStatus } from './status.js';
export type { RunProgress, TaskFailure } from './progress.js';
export { RETRY_DEFAULTS, type RetryOptions } from './retry.js';
export type { Shard, ShardError } from './shard-file.js';
export {
  readShardMembers,
  registerShard,
  watchShardMembers,
  type RegisterShardOptions,
  type ShardMember,
  type ShardRegistration,
  type ShardWatch,
  type WatchShardsOptions,
} from './shard-registry.js';
