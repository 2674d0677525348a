// `embedkit jobs worker`: takes tasks from the cluster's queue and runs them (embed batches, index
// partitions). At-least-once: a task whose worker dies is found stalled once its lock expires and is
// given to another worker; results are written atomically under the task's content-hash id, so a
// task done twice writes the same file twice and is counted once.
import os from 'node:os';
import type { Job, Worker } from 'bullmq';
import { EmbedkitError, UsageError } from '../errors.js';
import { ComputeSlots } from './compute-slots.js';
import { EncoderPool, runEmbedTask } from './embed-task.js';
import { runIndexTask } from './index-task.js';
import { doneKey, endedKey, failedKey, PREFIX, QUEUE, RUN_TTL_SECONDS, runKey, wakeKey } from './keys.js';
import { loadJobPackages } from './packages.js';
import { connectRedis } from './redis.js';
import type { TaskData } from './task-data.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** `redis://host:port` of the cluster. */
  redis: string;
  /** Tasks computed at once by this worker. Default 1 (an encoder or index build already uses the cores it is given). */
  concurrency?: number;
  /**
   * Tasks taken ahead of the compute slots. Default 1: while one batch is embedded, the next one's
   * input is read and the previous one's shard is written and reported, so the worker never waits
   * for Redis or the disk between batches. At the end of a run a worker may hold this many tasks
   * that an idle worker could have taken.
   */
  prefetch?: number;
  /**
   * Seconds a task's lock lasts without renewal (renewed at half of it while the worker lives): after
   * a crash, the task goes to another worker within about 1.5× this. Default 30.
   */
  lockSeconds?: number;
  /** Name shown by `jobs status`. Default `<hostname>:<pid>`. */
  name?: string;
  /** Called for each task started, finished, retried or failed. */
  onEvent?: (event: WorkerEvent) => void;
}

/** What a worker reports about a task. */
export interface WorkerEvent {
  event: 'start' | 'done' | 'retry' | 'failed';
  kind: TaskData['kind'];
  run: string;
  task: string;
  /** "batch 3" / "partition 2 of 4". */
  label: string;
  /** 1-based attempt number. */
  attempt: number;
  seconds?: number;
  /** `done`: seconds of the task spent computing (the rest: waiting for a slot, reading, writing). */
  computeSeconds?: number;
  error?: string;
}

/** A running worker. */
export interface JobWorker {
  readonly name: string;
  /** Stops taking tasks, waits for the running ones, and closes the connections. */
  close(): Promise<void>;
}

function labelOf(data: TaskData): string {
  if (data.kind === 'index') return `partition ${data.partition + 1} of ${data.partitions}`;
  return data.text
    ? `batch ${data.batch} (lines ${data.text.firstLine + 1}–${data.text.firstLine + data.text.lines})`
    : `batch ${data.batch}`;
}

/** Errors that a retry cannot fix: they fail the task at once. */
function isPermanent(error: unknown): boolean {
  return error instanceof UsageError || (error instanceof EmbedkitError && error.code === 'EMBEDKIT_MISSING_PACKAGE');
}

function checkOptions(o: WorkerOptions): { concurrency: number; prefetch: number; lockMs: number } {
  const concurrency = o.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 1024)
    throw new UsageError(`concurrency must be an integer from 1 to 1024, got ${String(o.concurrency)}`);
  const prefetch = o.prefetch ?? 1;
  if (!Number.isSafeInteger(prefetch) || prefetch < 0 || prefetch > 1024)
    throw new UsageError(`prefetch must be an integer from 0 to 1024, got ${String(o.prefetch)}`);
  const lockSeconds = o.lockSeconds ?? 30;
  if (!Number.isFinite(lockSeconds) || lockSeconds < 0.5 || lockSeconds > 3600)
    throw new UsageError(`lockSeconds must be from 0.5 to 3600, got ${String(o.lockSeconds)}`);
  return { concurrency, prefetch, lockMs: Math.round(lockSeconds * 1000) };
}

/** Connects to Redis and starts taking tasks. */
export async function startWorker(options: WorkerOptions): Promise<JobWorker> {
  const { concurrency, prefetch, lockMs } = checkOptions(options);
  const name = options.name ?? `${os.hostname()}:${process.pid}`;
  const connection = await connectRedis(options.redis);
  const { bullmq } = await loadJobPackages();
  const encoders = new EncoderPool();
  const slots = new ComputeSlots(concurrency);
  const emit = options.onEvent ?? (() => undefined);

  const processJob = async (job: Job<TaskData>): Promise<unknown> => {
    const data = job.data;
    const attempt = job.attemptsMade + 1;
    const label = labelOf(data);
    const base = { kind: data.kind, run: data.run, task: data.task, label, attempt };
    const t0 = performance.now();
    let computeMs = 0;
    const compute = <T>(fn: () => Promise<T>): Promise<T> =>
      slots.run(async () => {
        const c0 = performance.now();
        try {
          return await fn();
        } finally {
          computeMs += performance.now() - c0;
        }
      });
    emit({ event: 'start', ...base });
    try {
      const result = data.kind === 'embed' ? await runEmbedTask(data, encoders, compute) : await compute(() => runIndexTask(data));
      // Counted only once the result is on disk; SADD makes a task done twice count once.
      await connection
        .multi()
        .sadd(doneKey(data.run), data.task)
        .expire(doneKey(data.run), RUN_TTL_SECONDS)
        .hset(runKey(data.run), 'updatedAt', Date.now())
        .rpush(endedKey(data.run), data.task)
        .expire(endedKey(data.run), RUN_TTL_SECONDS)
        .lpush(wakeKey(data.run), data.task)
        .ltrim(wakeKey(data.run), 0, 0)
        .expire(wakeKey(data.run), RUN_TTL_SECONDS)
        .exec();
      emit({ event: 'done', ...base, seconds: (performance.now() - t0) / 1000, computeSeconds: computeMs / 1000 });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = isPermanent(error);
      const last = permanent || attempt >= (job.opts.attempts ?? 1);
      if (last) {
        await connection
          .multi()
          .hset(failedKey(data.run), data.task, `${label}: ${message}`)
          .expire(failedKey(data.run), RUN_TTL_SECONDS)
          .rpush(endedKey(data.run), data.task)
          .expire(endedKey(data.run), RUN_TTL_SECONDS)
          .lpush(wakeKey(data.run), data.task)
          .ltrim(wakeKey(data.run), 0, 0)
          .expire(wakeKey(data.run), RUN_TTL_SECONDS)
          .exec();
      }
      emit({ event: last ? 'failed' : 'retry', ...base, seconds: (performance.now() - t0) / 1000, error: message });
      throw permanent ? new bullmq.UnrecoverableError(message) : error;
    }
  };

  const worker: Worker<TaskData> = new bullmq.Worker<TaskData>(QUEUE, processJob, {
    connection,
    prefix: PREFIX,
    concurrency: concurrency + prefetch,
    name,
    lockDuration: lockMs,
    stalledInterval: Math.max(250, Math.round(lockMs / 2)),
    maxStalledCount: 3,
  });
  worker.on('error', () => undefined); // connection drops: ioredis reconnects, the worker resumes
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      await worker.close();
      await encoders.dispose();
      connection.disconnect();
    },
  };
}
