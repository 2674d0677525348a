// Worker thread of one projection job (see worker-runner.ts): runs src/project's `project` on the
// vectors it was given, relays progress as one overall fraction, and stops on a 'cancel' message
// through the AbortSignal.
import { parentPort, workerData } from 'node:worker_threads';
import { project } from '../../project/index.js';
import type { ProjectionProgress } from '../../project/index.js';
import type { ProjectionReply, ProjectionTask } from './protocol.js';

const task = workerData as ProjectionTask;
const port = parentPort!;
const controller = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'cancel') controller.abort();
});
const post = (reply: ProjectionReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

/** Share of the whole job each phase takes (its progress runs from `from` to `to`), by method. */
const PHASES: Record<string, Partial<Record<ProjectionProgress['phase'], [number, number]>>> = {
  pca: { prepare: [0, 0.1], pca: [0.1, 1] },
  tsne: { prepare: [0, 0.02], pca: [0.02, 0.1], neighbors: [0.1, 0.35], affinities: [0.35, 0.45], optimize: [0.45, 1] },
  umap: { prepare: [0, 0.02], pca: [0.02, 0.1], neighbors: [0.1, 0.4], affinities: [0.4, 0.5], optimize: [0.5, 1] },
};

const { params } = task;
try {
  const result = await project(task.data, task.rows, task.dim, {
    method: params.method,
    dims: params.dims,
    seed: params.seed,
    perplexity: params.perplexity,
    neighbors: params.neighbors,
    minDist: params.minDist,
    iterations: params.iterations,
    signal: controller.signal,
    onProgress: (p) => {
      const [from, to] = PHASES[params.method]?.[p.phase] ?? [0, 0];
      post({ type: 'progress', progress: from + (to - from) * Math.min(1, Math.max(0, p.progress)), phase: p.phase });
    },
  });
  // transferable only when it owns a whole plain ArrayBuffer (not kernel or shared memory)
  const own =
    result.coords.buffer instanceof ArrayBuffer &&
    result.coords.byteOffset === 0 &&
    result.coords.byteLength === result.coords.buffer.byteLength;
  const coords = own ? result.coords : result.coords.slice();
  post({ type: 'done', coords }, [coords.buffer as ArrayBuffer]);
} catch (error) {
  post(controller.signal.aborted ? { type: 'cancelled' } : { type: 'failed', message: (error as Error)?.message ?? String(error) });
}
port.close();
