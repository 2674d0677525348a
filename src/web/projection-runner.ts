// Runs one projection job on the server: start, poll its progress, fetch the coordinates; a
// cancel asks the server to stop the job (DELETE) and ends the wait.
import type { ApiClient } from './api.js';
import type { ProjectionRequest, ProjectionStatus } from './api-types.js';

export class ProjectionCancelled extends Error {
  constructor() {
    super('The projection was cancelled.');
  }
}

export interface ProjectionResult {
  coords: Float32Array;
  count: number;
  dims: 2 | 3;
  seconds: number;
}

export class ProjectionRunner {
  private jobId: string | null = null;
  private cancelled = false;

  constructor(private readonly api: ApiClient) {}

  async run(request: ProjectionRequest, onProgress: (status: ProjectionStatus) => void): Promise<ProjectionResult> {
    const started = performance.now();
    this.cancelled = false;
    const id = await this.api.startProjection(request);
    this.jobId = id;
    try {
      let delay = 100;
      for (;;) {
        if (this.cancelled) throw new ProjectionCancelled();
        const status = await this.api.projection(id);
        onProgress(status);
        if (status.status === 'done') {
          const coords = await this.api.projectionCoords(id);
          if (coords.length !== status.count * status.dims) {
            throw new Error(`The server sent ${coords.length} coordinates for ${status.count} points × ${status.dims} dims.`);
          }
          return { coords, count: status.count, dims: status.dims === 3 ? 3 : 2, seconds: (performance.now() - started) / 1000 };
        }
        if (status.status === 'cancelled') throw new ProjectionCancelled();
        if (status.status === 'failed') throw new Error(status.error ?? 'The projection failed.');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(400, delay * 1.5);
      }
    } finally {
      this.jobId = null;
    }
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    const id = this.jobId;
    if (id) await this.api.cancelProjection(id);
  }
}

/**
 * Centres each axis and scales all of them by one factor into [-0.95, 0.95], keeping the layout's
 * proportions (a t-SNE map stretched per axis would mislead).
 */
export function normalizeCoords(coords: Float32Array, dims: number): Float32Array {
  const n = coords.length / dims;
  const lo = new Array<number>(dims).fill(Infinity);
  const hi = new Array<number>(dims).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) {
      const v = coords[i * dims + d];
      if (!Number.isFinite(v)) continue;
      if (v < lo[d]) lo[d] = v;
      if (v > hi[d]) hi[d] = v;
    }
  }
  let half = 0;
  for (let d = 0; d < dims; d++) half = Math.max(half, (hi[d] - lo[d]) / 2);
  const scale = half > 0 ? 0.95 / half : 1;
  const out = new Float32Array(coords.length);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) {
      const v = coords[i * dims + d];
      out[i * dims + d] = Number.isFinite(v) ? (v - (lo[d] + hi[d]) / 2) * scale : 0;
    }
  }
  return out;
}
