import { Worker } from 'node:worker_threads';
import { AbortError, EmbedkitError, throwIfAborted } from '../../../errors.js';
import type { DenseMatrix, FastTextModelData } from '../../../io/fasttext/model-data.js';
import { workerUrl } from '../../../kernels/worker-url.js';
import { jobRates, planJobs } from './job-plan.js';
import { SW } from './kernel-layout.js';
import { extractMatrices, prepareKernelRun, type KernelRun } from './kernel-run.js';
import type { LineScan } from './scan-lines.js';
import { SCTRL } from './control.js';
import type { SupervisedTask } from './worker.js';

/** Progress of a supervised training run. */
export interface SupervisedProgress {
  /** Fraction of all epochs' examples trained. */
  fraction: number;
  seconds: number;
  /** Mean loss of the examples trained so far. */
  loss: number;
}

/** How to train: on `data`'s dictionary (and its dense weights when `keepWeights`). */
export interface KernelTrainOptions {
  label: string;
  seed: number;
  epoch: number;
  lr: number;
  thread: number;
  /** Start from `data`'s matrices (quantize's retraining) instead of fresh ones. */
  keepWeights: boolean;
  onProgress?: (p: SupervisedProgress) => void;
  /** Milliseconds between progress reports (default 500). */
  progressInterval?: number;
  signal?: AbortSignal;
}

export interface KernelTrainResult {
  input: DenseMatrix;
  output: DenseMatrix;
  examples: number;
  /** Mean training loss over all epochs. */
  loss: number;
  /** Seconds of the training loop itself (initialisation included, the scan not). */
  seconds: number;
  /** Threads that trained. */
  threads: number;
}

function meanLoss(run: KernelRun): number {
  const dv = new DataView(run.memory.buffer);
  let loss = 0;
  let n = 0;
  for (const w of run.layout.workers) {
    loss += dv.getFloat64(w.ptr + SW.loss, true);
    n += dv.getFloat64(w.ptr + SW.examples, true);
  }
  return n > 0 ? loss / n : NaN;
}

function result(run: KernelRun, data: FastTextModelData, t0: number): KernelTrainResult {
  const loss = meanLoss(run);
  const seconds = (performance.now() - t0) / 1000;
  const threads = run.layout.workers.length;
  return { ...extractMatrices(run, data.args.dim, data.dictionary.nlabels), examples: run.examples, loss, seconds, threads };
}

/**
 * Trains on the calling thread (one thread: with a seed, bit-for-bit repeatable). The jobs run in
 * the order one worker of {@link trainKernel} takes them, so both give the same weights.
 */
export function trainKernelSync(data: FastTextModelData, scan: LineScan, o: KernelTrainOptions, source: string): KernelTrainResult {
  const run = prepareKernelRun(data, scan, { label: o.label, seed: o.seed, workers: 1, keepWeights: o.keepWeights }, source);
  const t0 = performance.now();
  const { kernel, layout } = run;
  for (let b = 0; b < run.initBlocks; b++) kernel.sup_init_block(layout.model, run.seedLo, run.seedHi, b);
  const plan = planJobs(run.examples, 1);
  for (let n = 0; n < plan.count * o.epoch; n++) {
    const [lr0, lr1] = jobRates(plan, n, run.examples, o.epoch, o.lr);
    const j = n % plan.count;
    kernel.sup_train(layout.model, layout.workers[0].ptr, plan.first[j], plan.size[j], lr0, lr1);
  }
  return result(run, data, t0);
}

/** Trains on `o.thread` worker threads sharing the kernel memory; the event loop stays free. */
export async function trainKernel(
  data: FastTextModelData,
  scan: LineScan,
  o: KernelTrainOptions,
  source: string,
): Promise<KernelTrainResult> {
  throwIfAborted(o.signal);
  const workers = Math.max(1, Math.min(o.thread, Math.ceil(scan.lines / 1024)));
  const run = prepareKernelRun(data, scan, { label: o.label, seed: o.seed, workers, keepWeights: o.keepWeights }, source);
  const t0 = performance.now();
  const plan = planJobs(run.examples, workers);
  const share = (a: Int32Array | Float64Array): SharedArrayBuffer => {
    const sab = new SharedArrayBuffer(a.byteLength);
    new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return sab;
  };
  const control = new SharedArrayBuffer(SCTRL.slots * 4);
  const ctrl = new Int32Array(control);
  const base = {
    module: run.module,
    memory: run.memory,
    model: run.layout.model,
    workers: run.layout.workers.length,
    initBlocks: run.initBlocks,
    seedLo: run.seedLo,
    seedHi: run.seedHi,
    jobFirst: share(plan.first),
    jobSize: share(plan.size),
    jobBefore: share(plan.before),
    examples: run.examples,
    epochs: o.epoch,
    lr: o.lr,
    control,
  };
  const totalJobs = plan.count * o.epoch;
  const url = workerUrl(import.meta.url, './worker.js');
  await new Promise<void>((resolve, reject) => {
    let running = run.layout.workers.length;
    let failed: Error | undefined;
    const progress = () =>
      o.onProgress?.({
        fraction: Atomics.load(ctrl, SCTRL.jobsDone) / totalJobs,
        seconds: (performance.now() - t0) / 1000,
        loss: meanLoss(run),
      });
    const timer = o.onProgress ? setInterval(progress, o.progressInterval ?? 500) : undefined;
    const onAbort = () => Atomics.store(ctrl, SCTRL.abort, 1);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      if (timer) clearInterval(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (failed) return reject(failed);
      if (o.signal?.aborted) return reject(new AbortError('training aborted'));
      progress();
      resolve();
    };
    for (const w of run.layout.workers) {
      const task: SupervisedTask = { ...base, worker: w.ptr, stackTop: w.stackTop };
      const thread = new Worker(url, { workerData: task });
      let settled = false;
      const end = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err && !failed) {
          failed = err;
          Atomics.store(ctrl, SCTRL.abort, 1);
          Atomics.notify(ctrl, SCTRL.initDone);
        }
        if (--running === 0) finish();
      };
      thread.on('message', (msg: { type: string; message?: string }) => {
        if (msg.type === 'error') end(new EmbedkitError(`training worker failed: ${msg.message}`));
        else if (msg.type === 'done') end();
      });
      thread.on('error', (e) => end(new EmbedkitError(`training worker crashed: ${e.message}`)));
      thread.on('exit', (code) => end(code === 0 ? undefined : new EmbedkitError(`training worker exited with code ${code}`)));
    }
  });
  return result(run, data, t0);
}
