// BullMQ and ioredis are optional peers of embedkit: only `embedkit jobs …` needs them, and a user who
// never runs a cluster should not install a Redis client. They load on first use, with the install
// command in the error when they are missing.
import { importOptional, requirePackages } from '../optional-packages.js';

/** Who needs the packages, for the MissingPackageError message. */
const USER = '`embedkit jobs`';

/** The packages the job queue needs (BullMQ 6 takes ioredis as a peer dependency: both are installed explicitly). */
export const JOB_PACKAGES = ['bullmq', 'ioredis'] as const;

export type BullMq = typeof import('bullmq');
export type IoRedisModule = typeof import('ioredis');

let loaded: Promise<{ bullmq: BullMq; ioredis: IoRedisModule }> | undefined;

/** Imports bullmq and ioredis once; MissingPackageError (with `npm install bullmq@… ioredis@…`) when absent. */
export function loadJobPackages(): Promise<{ bullmq: BullMq; ioredis: IoRedisModule }> {
  if (!loaded) {
    loaded = (async () => {
      requirePackages('jobs', JOB_PACKAGES, USER);
      const bullmq = await importOptional<BullMq>('jobs', 'bullmq', 'bullmq', USER);
      const ioredis = await importOptional<IoRedisModule>('jobs', 'ioredis', 'ioredis', USER);
      return { bullmq, ioredis };
    })();
    loaded.catch(() => (loaded = undefined));
  }
  return loaded;
}
