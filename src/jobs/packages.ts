// BullMQ and ioredis are optional peers of embedkit: only `embedkit jobs …` needs them, and a user who
// never runs a cluster should not install a Redis client. They load on first use, with the install
// command in the error when they are missing.
import { requireOptional, requirePackages } from '../optional-packages.js';

/** Who needs the packages, for the MissingPackageError message. */
const USER = '`embedkit jobs`';

/** The packages the job queue needs (BullMQ 6 takes ioredis as a peer dependency: both are installed explicitly). */
export const JOB_PACKAGES = ['bullmq', 'ioredis'] as const;

export type BullMq = typeof import('bullmq');
export type IoRedisModule = typeof import('ioredis');

let loaded: Promise<{ bullmq: BullMq; ioredis: IoRedisModule }> | undefined;

/**
 * Loads bullmq and ioredis once; MissingPackageError (with `npm install bullmq@… ioredis@…`) when absent.
 * Both are CommonJS: `require` loads them in ~0.27 s of CPU where `import()` took ~0.47 s (Node parses
 * every re-exporting CommonJS file to find the names of an ES-module facade), which every
 * `jobs embed` paid before queueing anything.
 */
export function loadJobPackages(): Promise<{ bullmq: BullMq; ioredis: IoRedisModule }> {
  if (!loaded) {
    try {
      requirePackages('jobs', JOB_PACKAGES, USER);
      const bullmq = requireOptional<BullMq>('jobs', 'bullmq', 'bullmq', USER);
      const ioredis = requireOptional<IoRedisModule>('jobs', 'ioredis', 'ioredis', USER);
      loaded = Promise.resolve({ bullmq, ioredis });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
  return loaded;
}
