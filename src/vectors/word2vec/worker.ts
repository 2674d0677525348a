// Worker-thread entry of word2vec training. Each worker instantiates the kernel on the shared
// memory (Hogwild: no locks on the weights, as word2vec.c), pulls job numbers from a shared atomic
// counter, and trains until the jobs of every epoch are done or the run is aborted.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateKernel } from '../../kernels/wasm.js';
import { W } from './layout.js';
import { CTRL, type WorkerTask } from './protocol.js';
import { interleave } from './job-order.js';
import { linearAlpha } from './alpha-schedule.js';

type TrainJob = (model: number, worker: number, data: number, nbytes: number, alpha: number) => number;

function run(task: WorkerTask): void {
  const k = instantiateKernel(task.module, task.memory, task.stackTop);
  const trainJob = k[task.entry] as TrainJob;
  const ctrl = new Int32Array(task.control, 0, CTRL.int32Slots);
  const counters = new BigInt64Array(task.control, CTRL.bigOffset, CTRL.bigSlots);
  const offsets = new Float64Array(task.jobOffsets);
  const lengths = new Int32Array(task.jobLengths);
  const tokensBefore = new Float64Array(task.jobTokensBefore);
  const nJobs = lengths.length;
  const totalJobs = nJobs * task.epochs;
  const totalWords = task.wordsPerEpoch * task.epochs;
  const fd = task.corpus.kind === 'file' ? openSync(task.corpus.path, 'r') : -1;
  try {
    for (;;) {
      if (Atomics.load(ctrl, CTRL.abort) !== 0) break;
      // fastText's budget: every job while the words trained are short of it (the last job may pass it).
      if (task.stopAtWords && Number(Atomics.load(counters, CTRL.wordsDone)) >= totalWords) break;
      const j = Atomics.add(ctrl, CTRL.nextJob, 1);
      if (!task.stopAtWords && j >= totalJobs) break;
      const job = interleave(j % nJobs, nJobs, task.parts);
      // One rate per job, linear decay (see alpha-schedule.ts): by the job's place in its part, or
      // by the words all workers have trained.
      const alpha =
        task.alphaDecay === 'per-part'
          ? linearAlpha(
              task.alpha,
              task.minAlpha,
              Math.floor(j / nJobs) * task.tokensPerEpoch + tokensBefore[job],
              task.tokensPerEpoch * task.epochs,
            )
          : linearAlpha(task.alpha, task.minAlpha, Number(Atomics.load(counters, CTRL.wordsDone)), totalWords);
      const len = lengths[job];
      let ptr: number;
      if (task.corpus.kind === 'memory') {
        ptr = task.corpus.offset + offsets[job];
      } else {
        const view = new Uint8Array(task.memory.buffer, task.input, len);
        let got = 0;
        while (got < len) {
          const n = readSync(fd, view, got, len - got, offsets[job] + got);
          if (n <= 0) throw new Error(`${task.corpus.path}: encoded corpus ends early (job ${job})`);
          got += n;
        }
        ptr = task.input;
      }
      const rc = trainJob(task.model, task.worker, ptr, len, alpha);
      if (rc !== 0) throw new Error(`encoded corpus job ${job} is malformed (kernel returned ${rc})`);
      const stats = new Int32Array(task.memory.buffer, task.worker, 16);
      const eff = stats[W.effective / 4];
      Atomics.add(counters, CTRL.wordsDone, BigInt(stats[W.words / 4]));
      Atomics.add(counters, CTRL.effectiveWords, BigInt(eff));
      Atomics.add(counters, CTRL.jobsDone, 1n);
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

try {
  run(workerData as WorkerTask);
  parentPort?.postMessage({ type: 'done' });
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message, stack: (e as Error).stack });
}
