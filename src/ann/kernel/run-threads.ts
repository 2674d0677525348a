import { Worker } from 'node:worker_threads';
import { EmbedkitError } from '../../errors.js';
import { kernelModule } from '../../kernels/wasm.js';
import { workerUrl } from '../../kernels/worker-url.js';
import type { ThreadArea } from './layout.js';
import type { IndexJob, IndexWorkerData } from './protocol.js';

/**
 * Index worker threads are pooled: starting one costs tens of milliseconds (a new isolate, module
 * loading), as much as a whole batch of a thousand exact queries, so finished workers wait for the
 * next job. A job carries the kernel memory, and the worker instantiates the kernel on it for that
 * job only, so an idle worker holds no index memory. Idle workers do not keep the process alive
 * (unref) and exit after IDLE_MS without work.
 */
const IDLE_MS = 5000;

interface PooledWorker {
  worker: Worker;
  idleTimer?: NodeJS.Timeout;
  /** Settles the job the worker is running. */
  settle?: (err?: Error) => void;
}

const idle: PooledWorker[] = [];

function spawn(): PooledWorker {
  const p: PooledWorker = { worker: new Worker(workerUrl(import.meta.url, './worker.js')) };
  const fail = (err: Error) => {
    const i = idle.indexOf(p);
    if (i >= 0) idle.splice(i, 1);
    if (p.idleTimer) clearTimeout(p.idleTimer);
    const settle = p.settle;
    p.settle = undefined;
    settle?.(err);
  };
  p.worker.on('message', (m: { type: string; message?: string }) => {
    const settle = p.settle;
    p.settle = undefined;
    settle?.(m.type === 'error' ? new EmbedkitError(`index worker failed: ${m.message}`) : undefined);
  });
  p.worker.on('error', (e) => fail(new EmbedkitError(`index worker crashed: ${e.message}`)));
  p.worker.on('exit', (code) => fail(new EmbedkitError(`index worker exited with code ${code}`)));
  return p;
}

function acquire(): PooledWorker {
  const p = idle.pop() ?? spawn();
  if (p.idleTimer) clearTimeout(p.idleTimer);
  p.idleTimer = undefined;
  p.worker.ref();
  return p;
}

function release(p: PooledWorker): void {
  p.worker.unref();
  idle.push(p);
  p.idleTimer = setTimeout(() => {
    const i = idle.indexOf(p);
    if (i >= 0) idle.splice(i, 1);
    void p.worker.terminate();
  }, IDLE_MS);
  p.idleTimer.unref();
}

/** Workers currently waiting in the pool (for tests). */
export function idleWorkerCount(): number {
  return idle.length;
}

/**
 * Runs `job` on one worker thread per work area in `areas` (leased by the caller for this job) on
 * the kernel memory `memory`. Resolves when all are done; rejects with the first error.
 */
export function runOnThreads(memory: WebAssembly.Memory, areas: readonly ThreadArea[], job: IndexJob): Promise<void> {
  const module = kernelModule('index');
  return new Promise((resolve, reject) => {
    let running = areas.length;
    let failed: Error | undefined;
    for (const area of areas) {
      const data: IndexWorkerData = {
        module,
        memory,
        scratch: area.scratch,
        stackTop: area.stackTop,
        queries: area.queries,
        outI: area.outI,
        outD: area.outD,
        job,
      };
      const p = acquire();
      p.settle = (err) => {
        if (err) {
          failed ??= err;
          void p.worker.terminate();
        } else release(p);
        if (--running === 0) {
          if (failed) reject(failed);
          else resolve();
        }
      };
      p.worker.postMessage(data);
    }
  });
}
