// The submitter's loop, shared by `jobs embed` and `jobs index`: record the run in Redis, skip the
// tasks whose result is already on disk (a rerun resumes), add the others as BullMQ jobs whose id
// is the task's content hash (a job still queued from an earlier run is not added twice), then wait
// until every task is done or failed for good, re-adding any job that got lost.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AbortError } from '../errors.js';
import { doneKey, endedKey, failedKey, jobIdOf, RUN_TTL_SECONDS, RUNS_KEY, runKey, wakeKey } from './keys.js';
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
  /**
   * Told which tasks were found done (already on disk when checked, or reported by a worker), as
   * soon as the submitter sees them; a task redone after its result went missing is told again.
   */
  onDone?: (tasks: readonly string[]) => void;
  signal?: AbortSignal;
  /** Longest wait between two checks when no task ends, ms. Default 500. */
  pollMs?: number;
}

/** Tasks checked and queued at a time when a run starts. */
const SUBMIT_CHUNK = 256;

/** Shortest time between two checks of the run, ms: bounds the submitter's load on Redis and on its own core. */
const MIN_ROUND_MS = 100;

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

/** Resolves after `ms`, or at once when `signal` fires (its listener is removed either way: one sleep per round). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake, { once: true });
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
  const pollMs = o.pollMs ?? 500;
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
  await redis.multi().del(doneKey(run)).del(failedKey(run)).del(endedKey(run)).exec();
  const pending = new Set<string>();
  let resumed = 0;
  let adopted = 0;

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
    // One pipelined EXISTS per job first: a job that does not exist needs no state lookup (BullMQ's
    // state script scans the wait and active lists, which a large run makes long).
    const exists: number[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const pipeline = redis.pipeline();
      for (const id of ids.slice(i, i + 1000)) pipeline.exists(queue.toKey(jobIdOf(run, id)));
      for (const [error, n] of (await pipeline.exec()) ?? []) exists.push(error ? 1 : Number(n));
    }
    const known = ids.filter((_, i) => exists[i] !== 0);
    const states = await mapLimited(known, 32, async (id) => ({ id, state: String(await queue.getJobState(jobIdOf(run, id))) }));
    const out: { id: string; state: string; reason?: string }[] = ids
      .filter((_, i) => exists[i] === 0)
      .map((id) => ({ id, state: 'unknown' }));
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

  // Tasks are checked and queued chunk by chunk: the workers start on the first chunk while the
  // submitter checks the next ones.
  for (let i = 0; i < tasks.length; i += SUBMIT_CHUNK) {
    const chunk = tasks.slice(i, i + SUBMIT_CHUNK);
    const finished = await mapLimited(chunk, 16, (t) => o.isFinished(t));
    const doneIds = chunk.filter((_, k) => finished[k]).map((t) => t.id);
    if (doneIds.length > 0)
      await redis
        .multi()
        .sadd(doneKey(run), ...doneIds)
        .expire(doneKey(run), RUN_TTL_SECONDS)
        .exec();
    resumed += doneIds.length;
    if (doneIds.length > 0) o.onDone?.(doneIds);
    const open = chunk.filter((_, k) => !finished[k]).map((t) => t.id);
    open.forEach((id) => pending.add(id));
    const toAdd = await notInFlight(open);
    adopted += open.length - toAdd.length;
    await add(toAdd.map((s) => s.id));
  }

  // Between checks the submitter blocks on the run's wake list (a worker pushes to it when a task
  // ends) on a connection of its own, so the end of the last task is seen at once.
  const waiter = redis.duplicate();
  waiter.on('error', () => undefined);
  const abortWait = () => waiter.disconnect();
  o.signal?.addEventListener('abort', abortWait, { once: true });
  const failures = new Map<string, TaskFailure>();
  let workers = 0;
  let lastWorkersCheck = 0;
  let lastProgress = Date.now();
  let lastLostCheck = Date.now();
  let logged = 0; // entries of the run's ended list read so far
  const report = () =>
    o.onProgress?.({ total: tasks.length, done: tasks.length - pending.size - failures.size, failed: failures.size, workers });
  try {
    for (let round = 0; ; round++) {
      if (o.signal?.aborted) throw new AbortError();
      const roundStart = Date.now();
      const before = pending.size;
      // The tasks that ended since the last round, from the run's ended list; every few seconds
      // (and at the end) every pending task is looked up instead, which also finds the ends a
      // worker did not list (one from before the list existed, or a list lost with Redis's data).
      const fresh = await redis.lrange(endedKey(run), logged, -1);
      logged += fresh.length;
      const recheck = roundStart - lastWorkersCheck > 3000 || pending.size === 0;
      const asked = recheck ? [...pending] : [...new Set(fresh)].filter((id) => pending.has(id));
      const ended: string[] = [];
      for (let i = 0; i < asked.length; i += 1000) {
        const chunk = asked.slice(i, i + 1000);
        const member = (await redis.smismember(doneKey(run), ...chunk)) as number[];
        chunk.forEach((id, k) => member[k] === 1 && pending.delete(id) && ended.push(id));
      }
      if (ended.length > 0) o.onDone?.(ended);
      const notDone = asked.filter((id) => pending.has(id));
      let failed: (readonly [string, string | null])[] = [];
      if (recheck) failed = Object.entries(await redis.hgetall(failedKey(run)));
      else if (notDone.length > 0) {
        const messages = await redis.hmget(failedKey(run), ...notDone);
        failed = notDone.map((id, k) => [id, messages[k]] as const);
      }
      for (const [id, message] of failed) {
        if (message === null || !pending.has(id)) continue;
        pending.delete(id);
        failures.set(id, { task: id, label: byId.get(id)?.label ?? id, message });
      }
      if (pending.size < before) lastProgress = Date.now();
      if (recheck) {
        lastWorkersCheck = Date.now();
        workers = await queue.getWorkersCount();
      }
      // Jobs gone without a result (a Redis restart without persistence, a manual removal), or failed
      // by BullMQ itself (stalled too often) without the worker recording it. Looked for once no task
      // has ended for a few seconds: while tasks end, the lost ones would only wait for the others.
      const stalled = Date.now() - lastProgress > 3000 && Date.now() - lastLostCheck > 3000;
      if (pending.size > 0 && stalled) {
        lastLostCheck = Date.now();
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
      // At most one round per MIN_ROUND_MS (a burst of ends is read at once), then wait for a task to
      // end or for the poll period.
      const spent = Date.now() - roundStart;
      if (spent < MIN_ROUND_MS) await sleep(MIN_ROUND_MS - spent, o.signal);
      if (o.signal?.aborted) throw new AbortError();
      await waiter.blpop(wakeKey(run), Math.max(0.01, pollMs / 1000)).catch(() => undefined);
    }
  } finally {
    o.signal?.removeEventListener('abort', abortWait);
    waiter.disconnect();
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
