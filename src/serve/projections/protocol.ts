import type { ProjectionParams } from './jobs.js';

/** What the projection worker gets (workerData). */
export interface ProjectionTask {
  data: Float32Array;
  rows: number;
  dim: number;
  params: ProjectionParams;
}

/** Messages from the projection worker. */
export type ProjectionReply =
  | { type: 'progress'; progress: number; phase?: string }
  | { type: 'done'; coords: Float32Array }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };
