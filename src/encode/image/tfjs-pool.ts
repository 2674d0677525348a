import { Worker } from 'node:worker_threads';
import { EmbedkitError } from '../../errors.js';
import { workerUrl } from '../../kernels/worker-url.js';
import { MissingPackageError } from './errors.js';
import type { BatchRunner, RunnerOutput } from './pipeline.js';
import type { TfjsRunRequest, TfjsWorkerData, TfjsWorkerReply, WorkerModelName } from './tfjs-protocol.js';

interface Pending {
  resolve: (output: RunnerOutput) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  /** Batches run so far. */
  runs: number;
  dead?: Error;
  pending: Map<number, Pending>;
}

/**
 * `threads` worker threads, each running one copy of a tfjs model on the WebAssembly backend (which
 * is single-threaded in Node). Batches go to an idle worker; the workers are unref'd while idle, so
 * an encoder that is never disposed does not keep the process alive.
 */
export class TfjsWorkerPool implements BatchRunner {
  readonly lanes: number;
  private readonly slots: Slot[];
  private readonly waiting: (() => void)[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(
    slots: Slot[],
    /** Seconds until every worker had its model loaded and warmed up. */
    readonly loadSeconds: number,
  ) {
    this.slots = slots;
    this.lanes = slots.length;
  }

  /** Starts the workers and waits until each has loaded its model. */
  static async start(model: WorkerModelName, threads: number, extra: Omit<TfjsWorkerData, 'model'> = {}): Promise<TfjsWorkerPool> {
    const t0 = performance.now();
    const url = workerUrl(import.meta.url, './tfjs-worker.js');
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let t = 0; t < threads; t++) {
      const data: TfjsWorkerData = { ...extra, model };
      const worker = new Worker(url, { workerData: data });
      const slot: Slot = { worker, busy: false, runs: 0, pending: new Map() };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const fail = (error: Error) => {
            slot.dead ??= error;
            for (const p of slot.pending.values()) p.reject(error);
            slot.pending.clear();
            reject(error);
          };
          worker.on('message', (m: TfjsWorkerReply) => {
            if (m.type === 'ready') return resolve();
            if (m.type === 'error' && m.id === undefined) return fail(workerLoadError(model, m.message, m.missingPackages));
            const p = slot.pending.get(m.id as number);
            if (!p) return;
            slot.pending.delete(m.id as number);
            if (m.type === 'result') p.resolve({ data: m.features, failures: m.failures ?? [] });
            else p.reject(new EmbedkitError(`${model}: inference failed: ${m.message}`));
          });
          worker.on('error', (e) => fail(new EmbedkitError(`${model}: inference worker crashed: ${e.message}`)));
          worker.on('exit', (code) => fail(new EmbedkitError(`${model}: inference worker exited (code ${code})`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw error;
    }
    for (const s of slots) s.worker.unref();
    return new TfjsWorkerPool(slots, (performance.now() - t0) / 1000);
  }

  /**
   * Claims an idle worker (waiting for one if all are busy). The check and the claim happen in the
   * same synchronous step, so concurrent callers never share a worker.
   */
  private async claimSlot(): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new EmbedkitError('the encoder has been disposed');
      const dead = this.slots.find((s) => s.dead);
      if (dead) throw dead.dead as Error;
      const idle = this.slots.find((s) => !s.busy);
      if (idle) {
        idle.busy = true;
        idle.runs++;
        idle.worker.ref();
        return idle;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async run(batch: Float32Array, count: number): Promise<RunnerOutput> {
    const slot = await this.claimSlot();
    try {
      const id = this.nextId++;
      const result = new Promise<RunnerOutput>((resolve, reject) => slot.pending.set(id, { resolve, reject }));
      const request: TfjsRunRequest = { type: 'run', id, batch, count };
      slot.worker.postMessage(request, [batch.buffer as ArrayBuffer]);
      return await result;
    } finally {
      slot.busy = false;
      slot.worker.unref();
      this.waiting.shift()?.();
    }
  }

  /** Batches each worker has run so far (to check that the work is spread). */
  get runsPerWorker(): number[] {
    return this.slots.map((s) => s.runs);
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.slots) s.dead ??= new EmbedkitError('the encoder has been disposed');
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const w of this.waiting.splice(0)) w();
  }
}

function workerLoadError(model: WorkerModelName, message: string, missingPackages: string[] | undefined): Error {
  if (missingPackages?.length) return new MissingPackageError(model, missingPackages);
  return new EmbedkitError(`${model}: could not load the model: ${message}`);
}
