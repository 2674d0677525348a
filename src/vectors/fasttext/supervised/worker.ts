// Worker-thread entry of supervised training. Each worker instantiates the kernel on the shared
// memory, first initialises blocks of input rows (taken from a shared counter), waits for every
// worker to finish that, then trains jobs taken from a second counter until all epochs are done or
// the run is aborted (Hogwild: no locks on the weights, as fastText's threads).
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateKernel } from '../../../kernels/wasm.js';
import { SCTRL } from './control.js';
import { jobRates, type JobPlan } from './job-plan.js';
import type { SupervisedKernel } from './kernel-run.js';

/** What the trainer sends each worker (structured-cloned; the memory and buffers are shared). */
export interface SupervisedTask {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  model: number;
  worker: number;
  stackTop: number;
  workers: number;
  initBlocks: number;
  seedLo: number;
  seedHi: number;
  jobFirst: SharedArrayBuffer;
  jobSize: SharedArrayBuffer;
  jobBefore: SharedArrayBuffer;
  examples: number;
  epochs: number;
  lr: number;
  control: SharedArrayBuffer;
}

export { SCTRL };

function run(t: SupervisedTask): void {
  const k = instantiateKernel<SupervisedKernel>(t.module, t.memory, t.stackTop);
  const ctrl = new Int32Array(t.control, 0, SCTRL.slots);
  for (;;) {
    if (Atomics.load(ctrl, SCTRL.abort) !== 0) return;
    const b = Atomics.add(ctrl, SCTRL.nextInit, 1);
    if (b >= t.initBlocks) break;
    k.sup_init_block(t.model, t.seedLo, t.seedHi, b);
  }
  // Barrier: training starts once every input row is initialised.
  Atomics.add(ctrl, SCTRL.initDone, 1);
  Atomics.notify(ctrl, SCTRL.initDone);
  for (;;) {
    const done = Atomics.load(ctrl, SCTRL.initDone);
    if (done >= t.workers || Atomics.load(ctrl, SCTRL.abort) !== 0) break;
    Atomics.wait(ctrl, SCTRL.initDone, done, 100);
  }
  const plan: JobPlan = {
    count: new Int32Array(t.jobFirst).length,
    first: new Int32Array(t.jobFirst),
    size: new Int32Array(t.jobSize),
    before: new Float64Array(t.jobBefore),
  };
  const total = plan.count * t.epochs;
  for (;;) {
    if (Atomics.load(ctrl, SCTRL.abort) !== 0) return;
    const n = Atomics.add(ctrl, SCTRL.nextJob, 1);
    if (n >= total) return;
    const [lr0, lr1] = jobRates(plan, n, t.examples, t.epochs, t.lr);
    const j = n % plan.count;
    k.sup_train(t.model, t.worker, plan.first[j], plan.size[j], lr0, lr1);
    Atomics.add(ctrl, SCTRL.jobsDone, 1);
  }
}

try {
  run(workerData as SupervisedTask);
  parentPort?.postMessage({ type: 'done' });
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message });
}
