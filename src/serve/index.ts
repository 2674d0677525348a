/**
 * The HTTP server: a JSON API under `/v1` over word vectors, search indexes, encoders and
 * classifiers, projection jobs, `/openapi.json`, and the explorer UI at `/` (docs/server.md).
 * Package entry `embedkit/serve`.
 * @module embedkit/serve
 */
export { buildServer, DEFAULT_BODY_LIMIT, type LogLevel, type ServerOptions } from './server.js';
export { startServer, type RunningServer, type StartServerOptions } from './start.js';
export { loadResource, defaultName, type AnnType, type LoadResourceOptions } from './resources/load-resource.js';
export { ModelSet } from './resources/model-set.js';
export type { ClassifierResource, EncoderResource, IndexResource, LabelScore, Resource, VectorsResource } from './resources/types.js';
export {
  ProjectionJobs,
  type JobStatus,
  type ProgressCallback,
  type ProjectionJob,
  type ProjectionJobsOptions,
  type ProjectionParams,
  type ProjectionRunner,
} from './projections/jobs.js';
export { workerProjectionRunner } from './projections/worker-runner.js';
export { HttpError, type ErrorBody, type ErrorCode } from './http-errors.js';
export { DEFAULT_LIMITS, type Limits } from './schemas.js';
export type { App } from './context.js';
export { TokenSet, type Principal, type TokenSpec } from './security/tokens.js';
export { SCOPES, ROUTE_SCOPES, type Scope } from './security/scopes.js';
export { parseRateLimit, type RateLimit } from './security/rate-limit.js';
export type { SecurityOptions } from './security/install.js';
export type { TlsFiles } from './security/tls.js';
export { buildRouter, DEFAULT_SHARD_TIMEOUT_MS, type FailedShard, type RouterOptions } from './router/router.js';
export { startRouter, type RunningRouter, type StartRouterOptions } from './router/start-router.js';
export { compareHits, mergeTopK, type ScoredHit } from './router/merge.js';
export { redisShards, staticShards, type ShardSource } from './router/membership.js';
export type { ShardTarget } from './router/shard-client.js';
export { registerRunningShard, type ShardRegisterOptions } from './shard/register.js';
