// Worker-thread entry of the vector index (pooled, see run-threads.ts): for each job message it
// instantiates the index kernel on the job's shared memory with its own shadow stack and work area,
// and runs its share of the job (inserts, or query chunks), then reports back.
import { parentPort } from 'node:worker_threads';
import { instantiateKernel } from '../../kernels/wasm.js';
import { searchChunk, type IndexKernel } from './index-kernel.js';
import type { IndexWorkerData } from './protocol.js';

function run(w: IndexWorkerData): void {
  const k = instantiateKernel<IndexKernel>(w.module, w.memory, w.stackTop);
  const job = w.job;
  if (job.op === 'insert') {
    k.hnsw_insert_list(job.store, job.graph, w.scratch, job.slots, job.n, job.next);
    return;
  }
  const counter = new Int32Array(job.counter);
  const queries = new Uint8Array(job.queries);
  const outI = new Int32Array(job.outI);
  const outD = new Float32Array(job.outD);
  const kk = job.search.k;
  for (;;) {
    const c = Atomics.add(counter, 0, 1);
    const q0 = c * job.chunk;
    if (q0 >= job.nq) break;
    const n = Math.min(job.chunk, job.nq - q0);
    new Uint8Array(w.memory.buffer, w.queries, n * job.rowBytes).set(queries.subarray(q0 * job.rowBytes, (q0 + n) * job.rowBytes));
    searchChunk(k, w.memory, job.search, w.scratch, w.queries, n, job.allow, w.outI, w.outD);
    outI.set(new Int32Array(w.memory.buffer, w.outI, n * kk), q0 * kk);
    outD.set(new Float32Array(w.memory.buffer, w.outD, n * kk), q0 * kk);
  }
}

parentPort?.on('message', (data: IndexWorkerData) => {
  try {
    run(data);
    parentPort?.postMessage({ type: 'done' });
  } catch (e) {
    parentPort?.postMessage({ type: 'error', message: (e as Error).message });
  }
});
