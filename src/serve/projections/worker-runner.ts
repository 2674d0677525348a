import { Worker } from 'node:worker_threads';
import { AbortError, EmbedkitError } from '../../errors.js';
import { workerUrl } from '../../kernels/worker-url.js';
import type { ProjectionRunner } from './jobs.js';
import type { ProjectionReply, ProjectionTask } from './protocol.js';

/** How long a cancelled worker gets to stop on its own before it is terminated. */
const CANCEL_GRACE_MS = 2000;

/**
 * Runs each projection on its own worker thread (src/project inside it may start more), so the
 * server's event loop only relays progress. Cancelling asks the worker to abort through its
 * AbortSignal and terminates it if it has not stopped within two seconds.
 */
export const workerProjectionRunner: ProjectionRunner = (input, params, signal, onProgress) =>
  new Promise<Float32Array>((resolve, reject) => {
    if (signal.aborted) return reject(new AbortError('projection cancelled'));
    const task: ProjectionTask = { data: input.data, rows: input.rows, dim: input.dim, params };
    const worker = new Worker(workerUrl(import.meta.url, './worker.js'), {
      workerData: task,
      transferList: [input.data.buffer as ArrayBuffer],
    });
    let settled = false;
    let killer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (killer) clearTimeout(killer);
      fn();
      void worker.terminate();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' });
      killer = setTimeout(() => settle(() => reject(new AbortError('projection cancelled'))), CANCEL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: ProjectionReply) => {
      if (m.type === 'progress') onProgress(m.progress, m.phase);
      else if (m.type === 'done') settle(() => resolve(m.coords));
      else if (m.type === 'cancelled') settle(() => reject(new AbortError('projection cancelled')));
      else settle(() => reject(new EmbedkitError(m.message)));
    });
    worker.on('error', (e) => settle(() => reject(new EmbedkitError(`projection worker crashed: ${e.message}`))));
    worker.on('exit', (code) => settle(() => reject(new EmbedkitError(`projection worker exited (code ${code}) without a result`))));
  });
