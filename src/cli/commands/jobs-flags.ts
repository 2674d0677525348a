// Flags shared by the `embedkit jobs …` commands, typed from the jobs library's options.
import type { Command } from 'commander';
import { RETRY_DEFAULTS, type RetryOptions } from '../../jobs/retry.js';
import type { WorkerOptions } from '../../jobs/worker.js';
import type { LibraryFlag } from '../library-options.js';
import { float, int } from '../parse.js';
import { compact, type ProgressBar } from '../progress-bar.js';
import type { RunProgress } from '../../jobs/progress.js';

/** `--redis URL`, defaulting to $EMBEDKIT_REDIS. */
export function addRedisFlag(command: Command): Command {
  const fromEnv = process.env.EMBEDKIT_REDIS;
  return fromEnv
    ? command.option('--redis <url>', 'Redis server of the cluster, redis://host:port (default: $EMBEDKIT_REDIS)', fromEnv)
    : command.requiredOption('--redis <url>', 'Redis server of the cluster, redis://host:port (or set $EMBEDKIT_REDIS)');
}

/** Retries of the jobs a submitter adds. */
export const RETRY_FLAGS: readonly LibraryFlag<RetryOptions>[] = [
  {
    key: 'attempts',
    flags: '--attempts <n>',
    description: 'attempts per batch before it fails for good',
    parse: int(1, 100),
    default: RETRY_DEFAULTS.attempts,
  },
  {
    key: 'backoffMs',
    flags: '--backoff-ms <ms>',
    description: 'delay before the first retry, doubled at each next one',
    parse: int(0, 3_600_000),
    default: RETRY_DEFAULTS.backoffMs,
  },
];

/** Settings of `jobs worker`. */
export const WORKER_FLAGS: readonly LibraryFlag<Omit<WorkerOptions, 'redis' | 'onEvent'>>[] = [
  {
    key: 'concurrency',
    flags: '-c, --concurrency <n>',
    description: 'tasks computed at once by this worker',
    parse: int(1, 1024),
    default: 1,
  },
  {
    key: 'prefetch',
    flags: '--prefetch <n>',
    description: 'tasks taken ahead, whose input reading and result writing overlap the computing ones',
    parse: int(0, 1024),
    default: 1,
  },
  {
    key: 'lockSeconds',
    flags: '--lock-seconds <s>',
    description: "a crashed worker's task goes to another worker after about 1.5× this",
    parse: float(0.5, 3600),
    default: 30,
  },
  { key: 'name', flags: '--name <name>', description: 'name shown by `jobs status` (default: host:pid)', parse: (v: string) => v },
];

/** Draws the submitter's progress bar (quiet when stderr is no terminal). */
export function showRunProgress(bar: ProgressBar, what: string, p: RunProgress, t0: number): void {
  const elapsed = (performance.now() - t0) / 1000;
  const detail =
    p.workers === 0 && p.done + p.failed < p.total
      ? `${compact(p.done)}/${compact(p.total)} ${what}, waiting for workers`
      : `${compact(p.done)}/${compact(p.total)} ${what}, ${p.workers} worker${p.workers === 1 ? '' : 's'}, ${(p.done / Math.max(elapsed, 1e-3)).toFixed(1)}/s${p.failed > 0 ? `, ${p.failed} failed` : ''}`;
  bar.update('jobs', p.total > 0 ? (p.done + p.failed) / p.total : 0, detail);
}
