// Worker-thread entry of GloVe training: AdaGrad passes over this worker's slice of the shuffled
// co-occurrence records (Hogwild: the parameters are shared without locks, as glove.c's threads).
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateKernel } from '../../kernels/wasm.js';
import { TRAIN_REC_BYTES } from './cooccur-layout.js';
import { TRAIN_CTRL, type TrainTask } from './protocol.js';

interface Kernel extends WebAssembly.Exports {
  glove_train(recs: number, n: bigint, w: number, vocabSize: number, dim: number, eta: number, xMax: number, alpha: number): number;
}

/** Records per kernel call: small enough for prompt aborts and progress. */
const BATCH = 1 << 18;

function run(t: TrainTask): void {
  const k = instantiateKernel<Kernel>(t.module, t.memory, t.stackTop);
  const ctl = new Float64Array(t.control);
  for (let epoch = 0; epoch < t.epochs; epoch++) {
    let cost = 0;
    for (let done = 0; done < t.count; done += BATCH) {
      if (ctl[TRAIN_CTRL.abort] !== 0) return;
      const n = Math.min(BATCH, t.count - done);
      cost += k.glove_train(t.recs + (t.first + done) * TRAIN_REC_BYTES, BigInt(n), t.w, t.vocabSize, t.dim, t.eta, t.xMax, t.alpha);
      Atomics.add(new BigInt64Array(t.control, 8 * TRAIN_CTRL.recordsDone, 1), 0, BigInt(n));
    }
    ctl[TRAIN_CTRL.cost + t.slot] = cost;
  }
}

try {
  run(workerData as TrainTask);
  parentPort?.postMessage({ type: 'done' });
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: (e as Error).message });
}
