import { Worker } from 'node:worker_threads';
import { EmbedkitError } from '../errors.js';
import { workerUrl } from './worker-url.js';

/** Start data of a kernel worker thread. */
export interface KernelWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  stackTop: number;
}

/** A call of one kernel export with numeric arguments. */
export interface KernelCall {
  fn: string;
  args: number[];
}

export type KernelReply = { ok: true; value: number } | { ok: false; message: string };

/**
 * Worker threads that each instantiate one kernel module on a shared memory (one shadow stack per
 * thread, ending at `stackTops[t]`) and run the calls posted to them. The main thread only posts
 * and awaits, so the event loop stays free even with a single thread. `close()` ends the workers.
 * `what` names the work in error messages.
 */
export class KernelThreads<Fn extends string = string> {
  readonly #workers: Worker[] = [];

  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    stackTops: readonly number[],
    private readonly what: string,
  ) {
    const url = workerUrl(import.meta.url, './kernel-worker.js');
    for (const stackTop of stackTops) {
      const data: KernelWorkerData = { module, memory, stackTop };
      this.#workers.push(new Worker(url, { workerData: data }));
    }
  }

  get count(): number {
    return this.#workers.length;
  }

  /** Calls `fn` on every thread t with `args(t)`; resolves with the return values in thread order. */
  all(fn: Fn, args: (thread: number) => number[]): Promise<number[]> {
    return Promise.all(this.#workers.map((w, t) => this.#call(w, { fn, args: args(t) })));
  }

  #call(worker: Worker, message: KernelCall): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        cleanup();
        reject(new EmbedkitError(`${this.what} worker crashed: ${e.message}`));
      };
      const onMessage = (reply: KernelReply) => {
        cleanup();
        if (reply.ok) resolve(reply.value);
        else reject(new EmbedkitError(`${this.what} worker failed: ${reply.message}`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
  }
}
