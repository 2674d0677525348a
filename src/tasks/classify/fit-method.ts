import { Worker } from 'node:worker_threads';
import { AbortError, UsageError } from '../../errors.js';
import { workerUrl } from '../../kernels/worker-url.js';
import type { ClassifierMethod, MethodData, MethodModel, MethodOptions } from './methods.js';

/** What the training worker receives: the method's name, its data and its plain options. */
export interface FitTask {
  method: string;
  data: MethodData;
  y: Int32Array;
  K: number;
  options: Omit<MethodOptions, 'signal' | 'onProgress'>;
}

/** What the training worker posts back. */
export type FitMessage =
  { type: 'progress'; fraction: number } | { type: 'done'; state: unknown } | { type: 'error'; name: string; message: string };

/**
 * Trains `method` without blocking the event loop: a method marked `offThread` trains on a worker
 * thread (fit-worker.ts) — the same code on a copy of the data, so with a seed the weights are the
 * same bit for bit — and the model comes back through its state, exactly as a saved and loaded model
 * would; other methods train on the calling thread. `options.onProgress` gets the worker's
 * progress; `options.signal` stops the worker.
 */
export async function fitMethod(
  method: ClassifierMethod,
  data: MethodData,
  y: Int32Array,
  K: number,
  options: MethodOptions,
): Promise<MethodModel> {
  if (!method.offThread || options.linearFitter) return method.fit(data, y, K, options);
  const { signal, onProgress, ...plain } = options;
  if (signal?.aborted) throw new AbortError('classifier training aborted');
  const task: FitTask = { method: method.name, data, y, K, options: plain };
  const state = await new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(workerUrl(import.meta.url, './fit-worker.js'), { workerData: task });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () =>
      finish(() => {
        void worker.terminate();
        reject(new AbortError('classifier training aborted'));
      });
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FitMessage) => {
      if (m.type === 'progress') onProgress?.(m.fraction);
      else if (m.type === 'done') finish(() => resolve(m.state));
      else
        finish(() =>
          reject(m.name === 'UsageError' ? new UsageError(m.message) : new Error(`${method.name} training failed: ${m.message}`)),
        );
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the ${method.name} training worker stopped (exit code ${code})`))));
  });
  return method.load(state, K, `the ${method.name} model from its training worker`);
}
