import { randomUUID } from 'node:crypto';
import type { Matrix } from '../../math/matrix.js';
import { tooMany } from '../http-errors.js';

/** Parameters of one projection, chosen before it starts. */
export interface ProjectionParams {
  method: 'pca' | 'tsne' | 'umap';
  dims: 2 | 3;
  perplexity?: number;
  neighbors?: number;
  minDist?: number;
  iterations?: number;
  seed?: number;
}

/** Progress of a running projection: a fraction in [0, 1] and the phase it is in. */
export type ProgressCallback = (progress: number, phase?: string) => void;

/**
 * Computes one projection off the event loop: resolves with `rows × dims` coordinates, rejects
 * when it fails or when `signal` aborts it.
 */
export type ProjectionRunner = (
  input: Matrix,
  params: ProjectionParams,
  signal: AbortSignal,
  onProgress: ProgressCallback,
) => Promise<Float32Array>;

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One projection job. */
export interface ProjectionJob {
  id: string;
  model: string;
  params: ProjectionParams;
  status: JobStatus;
  progress: number;
  phase?: string;
  error?: string;
  count: number;
  dims: number;
  /** `count × dims` little-endian float32 coordinates once done. */
  coords?: Float32Array;
  /** Seconds from the start to the end (done jobs). */
  seconds?: number;
}

/** Options of {@link ProjectionJobs}. */
export interface ProjectionJobsOptions {
  /** Jobs kept (running and finished); the oldest finished ones are forgotten first. Default 16. */
  maxJobs?: number;
  /** Jobs computed at once; later ones wait (status running, phase "queued"). Default 1. */
  maxRunning?: number;
}

interface Entry {
  job: ProjectionJob;
  controller: AbortController;
  input: Matrix | undefined;
  started: number;
}

/**
 * The projection jobs of a server: started by a POST (after the parameters are chosen), run by a
 * {@link ProjectionRunner} (worker threads) at most `maxRunning` at a time, cancellable, and bounded
 * in number so their coordinates cannot fill the memory.
 */
export class ProjectionJobs {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running = 0;
  private closed = false;
  readonly maxJobs: number;
  readonly maxRunning: number;

  constructor(
    private readonly runner: ProjectionRunner,
    options: ProjectionJobsOptions = {},
  ) {
    this.maxJobs = options.maxJobs ?? 16;
    this.maxRunning = options.maxRunning ?? 1;
  }

  /** Starts (or queues) a projection of `input`; 429 when every slot holds an unfinished job. */
  start(model: string, input: Matrix, params: ProjectionParams): ProjectionJob {
    if (this.closed) throw tooMany('the server is shutting down');
    this.evict();
    if (this.entries.size >= this.maxJobs)
      throw tooMany(`${this.maxJobs} projections are already running or queued: cancel one (DELETE /v1/projections/ID) or wait`);
    const job: ProjectionJob = {
      id: randomUUID(),
      model,
      params,
      status: 'running',
      progress: 0,
      phase: 'queued',
      count: input.rows,
      dims: params.dims,
    };
    const entry: Entry = { job, controller: new AbortController(), input, started: 0 };
    this.entries.set(job.id, entry);
    this.queue.push(entry);
    this.pump();
    return job;
  }

  get(id: string): ProjectionJob | undefined {
    return this.entries.get(id)?.job;
  }

  /** Cancels a job (a finished one stays as it is); false when there is no such job. */
  cancel(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    if (e.job.status !== 'running') return true;
    e.controller.abort();
    const queued = this.queue.indexOf(e);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.finish(e, 'cancelled');
    return true;
  }

  /** Cancels everything (server shutdown). */
  close(): void {
    this.closed = true;
    for (const id of [...this.entries.keys()]) this.cancel(id);
  }

  /** Forgets the oldest finished jobs while the table is full. */
  private evict(): void {
    for (const [id, e] of this.entries) {
      if (this.entries.size < this.maxJobs) return;
      if (e.job.status !== 'running') this.entries.delete(id);
    }
  }

  private finish(e: Entry, status: Exclude<JobStatus, 'running'>, error?: string): void {
    if (e.job.status !== 'running') return;
    e.job.status = status;
    e.job.phase = undefined;
    if (error !== undefined) e.job.error = error;
    e.input = undefined;
  }

  private pump(): void {
    while (this.running < this.maxRunning && this.queue.length > 0) {
      const e = this.queue.shift()!;
      this.running++;
      e.started = performance.now();
      e.job.phase = 'starting';
      const onProgress: ProgressCallback = (progress, phase) => {
        if (e.job.status !== 'running') return;
        if (Number.isFinite(progress)) e.job.progress = Math.min(1, Math.max(e.job.progress, progress));
        if (phase !== undefined) e.job.phase = phase;
      };
      void this.runner(e.input!, e.job.params, e.controller.signal, onProgress)
        .then(
          (coords) => {
            if (e.job.status !== 'running') return;
            if (coords.length !== e.job.count * e.job.dims) {
              this.finish(e, 'failed', `the projection gave ${coords.length} numbers, expected ${e.job.count} × ${e.job.dims}`);
              return;
            }
            e.job.coords = coords;
            e.job.progress = 1;
            e.job.seconds = (performance.now() - e.started) / 1000;
            this.finish(e, 'done');
          },
          (error: unknown) =>
            this.finish(e, e.controller.signal.aborted ? 'cancelled' : 'failed', (error as Error)?.message ?? String(error)),
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
