// Names shared by submitters, workers and `jobs status`: the BullMQ queue and embedkit's own keys
// (one hash per run with its plan summary, a set of finished task ids, a hash of failed ones).

/** BullMQ key prefix: every key embedkit writes starts with `embedkit:`. */
export const PREFIX = 'embedkit';
/** The one queue all workers serve; the job name tells the task kind. */
export const QUEUE = 'work';

/** Sorted set of run ids by last update (for `jobs status`). */
export const RUNS_KEY = `${PREFIX}:runs`;

/** Hash of a run: kind, input, output, total, state, createdAt, updatedAt. */
export function runKey(run: string): string {
  return `${PREFIX}:run:${run}`;
}
/** Set of the task ids of a run whose result is written (added by the worker after the atomic rename). */
export function doneKey(run: string): string {
  return `${PREFIX}:run:${run}:done`;
}
/** Hash task id → message of the tasks of a run that failed for good (attempts exhausted or unrecoverable). */
export function failedKey(run: string): string {
  return `${PREFIX}:run:${run}:failed`;
}

/**
 * List a worker pushes to (trimmed to one element) when it finishes or fails a task of the run: the
 * submitter blocks on it between its checks, so it sees the last task end at once instead of at its
 * next poll.
 */
export function wakeKey(run: string): string {
  return `${PREFIX}:run:${run}:wake`;
}

/**
 * List of the task ids of a run in the order they ended (done or failed for good), one push per
 * end: the submitter reads only the entries after the ones it has read, instead of asking about
 * every pending task whenever some ended. The done set and the failed hash stay the record.
 */
export function endedKey(run: string): string {
  return `${PREFIX}:run:${run}:ended`;
}

/** BullMQ job id of a task (ids may not contain ':'). */
export function jobIdOf(run: string, task: string): string {
  return `${run}-${task}`;
}

/** How long the run records stay in Redis after the last update (seconds): a week. */
export const RUN_TTL_SECONDS = 7 * 24 * 3600;
