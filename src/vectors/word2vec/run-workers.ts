import { Worker } from 'node:worker_threads';
import { AbortError, EmbedkitError } from '../../errors.js';
import { workerUrl } from '../../kernels/worker-url.js';
import type { EncodedCorpus, JobTable } from '../../text/encoded-corpus.js';
import { linearAlpha, tokensBeforeInPart } from './alpha-schedule.js';
import type { TrainingLayout, WorkerLayout } from './layout.js';
import type { ResolvedWord2VecOptions } from './options.js';
import { CTRL, type WorkerTask } from './protocol.js';

/** What {@link runWorkers} needs: the prepared kernel memory and the run's settings. */
export interface WorkerRun {
  module: WebAssembly.Module;
  /** The kernel export that trains one job (default word2vec's `w2v_train_job`). */
  entry?: string;
  memory: WebAssembly.Memory;
  /** Where the Model struct and each worker's struct, input buffer and stack are. */
  layout: Pick<TrainingLayout, 'model'> & { workers: Pick<WorkerLayout, 'ptr' | 'input' | 'stackTop'>[] };
  jobs: JobTable;
  corpus: EncodedCorpus;
  options: Pick<
    ResolvedWord2VecOptions,
    'epochs' | 'alpha' | 'minAlpha' | 'alphaDecay' | 'onProgress' | 'progressInterval' | 'signal' | 'computeLoss'
  >;
  /** In-vocabulary tokens per epoch (for the learning-rate schedule and progress). */
  wordsPerEpoch: number;
  /**
   * Train until the workers' words reach wordsPerEpoch × epochs, taking jobs past the last epoch's
   * (from the corpus start again), instead of exactly `epochs` passes (fastText's budget).
   */
  stopAtWords?: boolean;
  /** Current mean loss (read from the workers' structs), for progress reports. */
  meanLoss: () => number;
}

/**
 * Starts one worker thread per planned worker, reports progress by polling the shared counters
 * (the event loop stays free), and resolves with the words trained once every job of every epoch
 * is done. Aborting stops the workers after their current job; the first worker error stops all.
 */
export function runWorkers(run: WorkerRun): Promise<{ words: number; effective: number }> {
  const { module, memory, layout: l, jobs, corpus, options: o, wordsPerEpoch } = run;
  const control = new SharedArrayBuffer(CTRL.bytes);
  const ctrl = new Int32Array(control, 0, CTRL.int32Slots);
  const counters = new BigInt64Array(control, CTRL.bigOffset, CTRL.bigSlots);
  const share = (a: Float64Array | Int32Array): SharedArrayBuffer => {
    const sab = new SharedArrayBuffer(a.byteLength);
    new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return sab;
  };
  const jobOffsets = share(jobs.offsets);
  const jobLengths = share(jobs.lengths);
  const parts = l.workers.length;
  const jobTokensBefore = share(tokensBeforeInPart(jobs.tokens, parts));
  let tokensPerEpoch = 0;
  for (let j = 0; j < jobs.count; j++) tokensPerEpoch += jobs.tokens[j];
  const totalWords = wordsPerEpoch * o.epochs;
  const t0 = performance.now();
  const url = workerUrl(import.meta.url, './worker.js');

  return new Promise((resolve, reject) => {
    let running = l.workers.length;
    let failed: Error | undefined;
    const threads: Worker[] = [];
    const progress = () => {
      const done = Number(Atomics.load(counters, CTRL.wordsDone));
      const seconds = (performance.now() - t0) / 1000;
      const f = Math.min(1, done / totalWords); // stopAtWords: the last job may pass the budget
      const rate = seconds > 0 ? done / seconds : 0;
      o.onProgress?.({
        phase: 'train',
        fraction: f,
        epoch: Math.min(o.epochs, Math.floor(f * o.epochs) + 1),
        epochs: o.epochs,
        wordsDone: done,
        wordsTotal: totalWords,
        wordsPerSecond: rate,
        alpha: reportedAlpha(o, f, parts),
        etaSeconds: rate > 0 ? Math.max(0, totalWords - done) / rate : NaN,
        ...(o.computeLoss ? { loss: run.meanLoss() } : {}),
        seconds,
      });
    };
    const timer = o.onProgress ? setInterval(progress, o.progressInterval) : undefined;
    const onAbort = () => Atomics.store(ctrl, CTRL.abort, 1);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      if (timer) clearInterval(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (failed) return reject(failed);
      if (o.signal?.aborted) return reject(new AbortError('training aborted'));
      progress();
      resolve({ words: Number(counters[CTRL.wordsDone]), effective: Number(counters[CTRL.effectiveWords]) });
    };
    for (const w of l.workers) {
      const task: WorkerTask = {
        module,
        entry: run.entry ?? 'w2v_train_job',
        memory,
        model: l.model,
        worker: w.ptr,
        input: w.input,
        stackTop: w.stackTop,
        corpus: corpus.kind === 'memory' ? { kind: 'memory', offset: corpus.offset } : { kind: 'file', path: corpus.path },
        jobOffsets,
        jobLengths,
        parts,
        wordsPerEpoch,
        stopAtWords: run.stopAtWords ?? false,
        alphaDecay: o.alphaDecay,
        jobTokensBefore,
        tokensPerEpoch,
        epochs: o.epochs,
        alpha: o.alpha,
        minAlpha: o.minAlpha,
        control,
      };
      const t = new Worker(url, { workerData: task });
      threads.push(t);
      let settled = false;
      const end = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err && !failed) {
          failed = err;
          Atomics.store(ctrl, CTRL.abort, 1);
        }
        if (--running === 0) finish();
      };
      t.on('message', (msg: { type: string; message?: string }) => {
        if (msg.type === 'error') end(new EmbedkitError(`training worker failed: ${msg.message}`));
        else if (msg.type === 'done') end();
      });
      t.on('error', (e) => end(new EmbedkitError(`training worker crashed: ${e.message}`)));
      t.on('exit', (code) => end(code === 0 ? undefined : new EmbedkitError(`training worker exited with code ${code}`)));
    }
  });
}

/** The learning rate at `fraction` of training for progress reports (per-part: parts advance together). */
function reportedAlpha(
  o: Pick<ResolvedWord2VecOptions, 'alphaDecay' | 'alpha' | 'minAlpha' | 'epochs'>,
  fraction: number,
  parts: number,
): number {
  if (o.alphaDecay === 'global') return linearAlpha(o.alpha, o.minAlpha, fraction, 1);
  const epoch = Math.min(o.epochs - 1, Math.floor(fraction * o.epochs));
  return linearAlpha(o.alpha, o.minAlpha, epoch + (fraction * o.epochs - epoch) / parts, o.epochs);
}
