// What a submitter reports while its run goes on, and about the tasks that failed for good.

/** Where a run stands, for progress displays. */
export interface RunProgress {
  total: number;
  done: number;
  failed: number;
  /** Workers connected to the queue (checked every few seconds). */
  workers: number;
}

/** A task that failed for good. */
export interface TaskFailure {
  task: string;
  label: string;
  message: string;
}
