import { Worker } from 'node:worker_threads';
import { EmbedkitError } from '../../errors.js';
import { kernelModule } from '../../kernels/wasm.js';
import { workerUrl } from '../../kernels/worker-url.js';
import { mainKernel, type KmeansKernel, type KmeansMemory, type ThreadRegion } from './kmeans-kernel.js';
import type { KmeansCall, KmeansReply, KmeansWorkerData } from './kmeans-protocol.js';

/**
 * Runs kernel calls on every thread region of a {@link KmeansMemory} in parallel: one worker thread
 * per region when there are several (the main thread only posts and waits, so the event loop stays
 * free), or the main thread's own instance for one region.
 */
export class KmeansThreads {
  readonly #mem: KmeansMemory;
  readonly #workers: Worker[] = [];
  #main: KmeansKernel | undefined;

  constructor(mem: KmeansMemory) {
    this.#mem = mem;
    if (mem.threads.length > 1) {
      const module = kernelModule('kmeans');
      const url = workerUrl(import.meta.url, './kmeans-worker.js');
      for (const region of mem.threads) {
        const data: KmeansWorkerData = { module, memory: mem.memory, stackTop: region.stackTop };
        this.#workers.push(new Worker(url, { workerData: data }));
      }
    } else this.#main = mainKernel(mem);
  }

  /** Calls `fn` with `args(region)` on every region; resolves with the values in region order. */
  async all(fn: KmeansCall['fn'], args: (region: ThreadRegion) => number[]): Promise<number[]> {
    const regions = this.#mem.threads;
    if (this.#main) {
      const k = this.#main[fn] as (...a: number[]) => number | undefined;
      const out = regions.map((r) => k(...args(r)) ?? 0);
      await new Promise<void>((resolve) => setImmediate(resolve));
      return out;
    }
    return Promise.all(regions.map((r, t) => this.#call(this.#workers[t], { fn, args: args(r) })));
  }

  #call(worker: Worker, call: KmeansCall): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        cleanup();
        reject(new EmbedkitError(`k-means worker crashed: ${e.message}`));
      };
      const onMessage = (reply: KmeansReply) => {
        cleanup();
        if (reply.ok) resolve(reply.value);
        else reject(new EmbedkitError(`k-means worker failed: ${reply.message}`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(call);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
  }
}
