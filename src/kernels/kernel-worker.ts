// Worker-thread entry of KernelThreads: instantiates the posted kernel module on the shared memory
// with this thread's own shadow stack and runs the calls the main thread posts, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateKernel } from './wasm.js';
import type { KernelCall, KernelReply, KernelWorkerData } from './kernel-threads.js';

const data = workerData as KernelWorkerData;
const kernel = instantiateKernel(data.module, data.memory, data.stackTop);
parentPort?.on('message', (call: KernelCall) => {
  let reply: KernelReply;
  try {
    const fn = kernel[call.fn] as (...args: number[]) => number | undefined;
    reply = { ok: true, value: fn(...call.args) ?? 0 };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  parentPort?.postMessage(reply);
});
