// Worker-thread entry of k-means: instantiates the kmeans kernel on the shared memory with its own
// shadow stack and runs the calls the main thread posts (each on this thread's range of rows).
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateKernel } from '../../kernels/wasm.js';
import type { KmeansKernel } from './kmeans-kernel.js';
import type { KmeansCall, KmeansReply, KmeansWorkerData } from './kmeans-protocol.js';

const data = workerData as KmeansWorkerData;
const kernel = instantiateKernel<KmeansKernel>(data.module, data.memory, data.stackTop);
parentPort?.on('message', (call: KmeansCall) => {
  let reply: KmeansReply;
  try {
    const fn = kernel[call.fn] as (...args: number[]) => number | undefined;
    reply = { ok: true, value: fn(...call.args) ?? 0 };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  parentPort?.postMessage(reply);
});
