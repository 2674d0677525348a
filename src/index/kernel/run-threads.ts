import { Worker } from 'node:worker_threads';
import { EmbedkitError } from '../../errors.js';
import { kernelModule } from '../../kernels/wasm.js';
import { workerUrl } from '../../kernels/worker-url.js';
import type { IndexJob, IndexWorkerData } from './protocol.js';
import type { IndexStore } from './store.js';

/**
 * Runs `job` on `threads` worker threads, each with its own thread area of `store` (areas 1..n;
 * area 0 is the calling thread's). Resolves when all are done; rejects with the first error.
 */
export function runOnThreads(store: IndexStore, threads: number, job: IndexJob): Promise<void> {
  const module = kernelModule('index');
  const url = workerUrl(import.meta.url, './worker.js');
  return new Promise((resolve, reject) => {
    let running = threads;
    let failed: Error | undefined;
    const end = (err?: Error) => {
      if (err && !failed) failed = err;
      if (--running === 0) {
        if (failed) reject(failed);
        else resolve();
      }
    };
    for (let t = 1; t <= threads; t++) {
      const area = store.threads[t];
      const data: IndexWorkerData = {
        module,
        memory: store.memory,
        index: store.data.struct,
        scratch: area.scratch,
        stackTop: area.stackTop,
        queries: area.queries,
        outI: area.outI,
        outD: area.outD,
        job,
      };
      const w = new Worker(url, { workerData: data });
      let settled = false;
      const once = (err?: Error) => {
        if (settled) return;
        settled = true;
        end(err);
      };
      w.on('message', (m: { type: string; message?: string }) => once(m.type === 'error' ? new EmbedkitError(`index worker failed: ${m.message}`) : undefined));
      w.on('error', (e) => once(new EmbedkitError(`index worker crashed: ${e.message}`)));
      w.on('exit', (code) => once(code === 0 ? undefined : new EmbedkitError(`index worker exited with code ${code}`)));
    }
  });
}
