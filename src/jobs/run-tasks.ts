// The submitter's loop, shared by `jobs embed` and `jobs index`: record the run in Redis, skip the
// tasks whose result is already on disk (a rerun resumes), add the others as BullMQ jobs whose id
// is the task's content hash (a job still queued from an earlier run is not added twice), then wait
// until every task is done or failed for good, re-adding any job that got lost.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AbortError } from '../errors.js';
import { doneKey, failedKey, jobIdOf, RUN_TTL_SECONDS, RUNS_KEY, runKey } from './keys.js';
import type { RunProgress, TaskFailure } from './progress.js';
import { retrySettings, type RetryOptions } from './retry.js';
import type { PlannedTask, TaskData } from './task-data.js';

/** What {@link runTasks} did. */
export interface RunTasksResult {
  /** Tasks whose result was already on disk when the run started (a resumed run). */
  resumed: number;
  /** Jobs added to the queue by this call. */
  submitted: number;
  /** Tasks whose job was still in the queue from an earlier submitter (not added again). */
  adopted: number;
  failures: TaskFailure[];
}

/** Settings of {@link runTasks}. */
export interface RunTasksOptions extends RetryOptions {
  connection: Redis;
  queue: Queue;
  run: string;
  /** Shown by `jobs status`. */
  describe: { kind: TaskData['kind']; input: string; output: string };
  /** Distinct task ids. */
  tasks: readonly PlannedTask[];
  /** Whether a task's result is on disk and valid. */
  isFinished(task: PlannedTask): Promise<boolean>;
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
  /** Poll period, ms. Default 200. */
  pollMs?: number;
}

const ACTIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children', 'wait', 'paused']);

/** `fn` over `items` with at most `limit` calls in flight. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Runs `tasks` on the cluster's workers and waits for them. Resolves when every task is done or
 * failed for good (see `failures`); rejects with AbortError when `signal` fires (the queued jobs
 * stay queued: rerunning the same command picks them up).
 */
export async function runTasks(o: RunTasksOptions): Promise<RunTasksResult> {
  const { connection: redis, queue, run, tasks } = o;
  const { attempts, backoffMs } = retrySettings(o);
  const pollMs = o.pollMs ?? 200;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const now = Date.now();
  await redis
    .multi()
    .hset(runKey(run), {
      kind: o.describe.kind,
      input: o.describe.input,
      output: o.describe.output,
      total: tasks.length,
      state: 'running',
      updatedAt: now,
    })
    .hsetnx(runKey(run), 'createdAt', now)
    .zadd(RUNS_KEY, now, run)
    .expire(runKey(run), RUN_TTL_SECONDS)
    .exec();

  // What is on disk is the truth: the done set is rebuilt from it, failures of earlier runs are retried.
  const finished = await mapLimited(tasks, 16, (t) => o.isFinished(t));
  const pending = new Set(tasks.filter((_, i) => !finished[i]).map((t) => t.id));
  const resumed = tasks.length - pending.size;
  const multi = redis.multi().del(doneKey(run)).del(failedKey(run));
  const doneIds = tasks.filter((_, i) => finished[i]).map((t) => t.id);
  for (let i = 0; i < doneIds.length; i += 1000) multi.sadd(doneKey(run), ...doneIds.slice(i, i + 1000));
  await multi.expire(doneKey(run), RUN_TTL_SECONDS).exec();

  let submitted = 0;
  const add = async (ids: readonly string[]): Promise<void> => {
    for (let i = 0; i < ids.length; i += 500) {
      await queue.addBulk(
        ids.slice(i, i + 500).map((id) => {
          const task = byId.get(id)!;
          return {
            name: task.data.kind,
            data: task.data,
            opts: {
              jobId: jobIdOf(run, id),
              attempts,
              backoff: { type: 'exponential', delay: backoffMs },
              removeOnComplete: true,
              removeOnFail: { age: RUN_TTL_SECONDS },
            },
          };
        }),
      );
    }
    submitted += ids.length;
  };
  /** Jobs of `ids` that are neither queued nor running (finished, failed or lost) are removed and returned. */
  const notInFlight = async (ids: readonly string[]): Promise<{ id: string; state: string; reason?: string }[]> => {
    const states = await mapLimited(ids, 32, async (id) => ({ id, state: String(await queue.getJobState(jobIdOf(run, id))) }));
    const out: { id: string; state: string; reason?: string }[] = [];
    for (const s of states) {
      if (ACTIVE_STATES.has(s.state)) continue;
      if (s.state !== 'unknown') {
        const job = await queue.getJob(jobIdOf(run, s.id));
        out.push({ ...s, ...(job?.failedReason ? { reason: job.failedReason } : {}) });
        await job?.remove().catch(() => undefined);
      } else out.push(s);
    }
    return out;
  };

  const startIds = [...pending];
  const toAdd = await notInFlight(startIds);
  const adopted = startIds.length - toAdd.length;
  await add(toAdd.map((s) => s.id));

  const failures = new Map<string, TaskFailure>();
  let workers = 0;
  let lastCheck = 0;
  const report = () =>
    o.onProgress?.({ total: tasks.length, done: tasks.length - pending.size - failures.size, failed: failures.size, workers });
  for (let round = 0; ; round++) {
    if (o.signal?.aborted) throw new AbortError();
    // Done tasks leave `pending`.
    const ids = [...pending];
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const member = (await redis.smismember(doneKey(run), ...chunk)) as number[];
      chunk.forEach((id, k) => member[k] === 1 && pending.delete(id));
    }
    const failed = await redis.hgetall(failedKey(run));
    for (const [id, message] of Object.entries(failed)) {
      if (!pending.has(id)) continue;
      pending.delete(id);
      failures.set(id, { task: id, label: byId.get(id)?.label ?? id, message: String(message) });
    }
    if (Date.now() - lastCheck > 3000 || pending.size === 0) {
      lastCheck = Date.now();
      workers = await queue.getWorkersCount();
      // Jobs gone without a result (a Redis restart without persistence, a manual removal), or failed
      // by BullMQ itself (stalled too often) without the worker recording it.
      if (pending.size > 0) {
        const sample = [...pending].slice(0, 2000);
        const lost = await notInFlight(sample);
        const again: string[] = [];
        for (const l of lost) {
          if ((await redis.sismember(doneKey(run), l.id)) === 1) continue; // finished meanwhile
          if (l.state === 'failed') {
            const message = `${byId.get(l.id)?.label ?? l.id}: ${l.reason ?? 'failed'}`;
            await redis.hset(failedKey(run), l.id, message);
          } else again.push(l.id);
        }
        if (again.length > 0) await add(again);
      }
    }
    report();
    if (pending.size === 0) {
      // Trust but verify: a result counted done must be on disk (someone may have cleaned the work directory).
      const claimed = tasks.filter((t) => !failures.has(t.id));
      const ok = await mapLimited(claimed, 16, (t) => o.isFinished(t));
      const missing = claimed.filter((_, i) => !ok[i]).map((t) => t.id);
      if (missing.length === 0 || round > 10_000) break;
      await redis.srem(doneKey(run), ...missing);
      missing.forEach((id) => pending.add(id));
      await add(missing);
      continue;
    }
    await sleep(pollMs, o.signal);
  }
  await redis
    .multi()
    .hset(runKey(run), {
      state: failures.size > 0 ? 'failed' : 'done',
      done: tasks.length - failures.size,
      failed: failures.size,
      updatedAt: Date.now(),
    })
    .zadd(RUNS_KEY, Date.now(), run)
    .exec();
  return { resumed, submitted, adopted, failures: [...failures.values()] };
}
