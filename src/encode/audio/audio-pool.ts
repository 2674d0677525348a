import { Worker } from 'node:worker_threads';
import { EmbedkitError } from '../../errors.js';
import { workerUrl } from '../../kernels/worker-url.js';
import type { BatchOutput } from '../batch.js';
import type { EmbedError } from '../types.js';
import type { AudioInput } from './inputs.js';
import type { MfccStatsOptions } from './mfcc-stats.js';

/** What a worker builds: the encoder's settings (an audio CNN travels as its .ekte bytes). */
export type AudioWorkerSpec =
  { kind: 'mfcc-stats'; options: MfccStatsOptions } | { kind: 'audio-cnn'; model: Uint8Array; maxSeconds: number };

/** Main thread → worker. */
export interface AudioRunRequest {
  id: number;
  inputs: AudioInput[];
}

/** Worker → main thread. */
export type AudioWorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; data: Float32Array; errors: EmbedError[] }
  | { type: 'error'; id?: number; message: string };

interface Lane {
  worker: Worker;
  pending: Map<number, { resolve: (o: BatchOutput) => void; reject: (e: Error) => void }>;
  dead?: Error;
}

/**
 * Worker threads that decode clips and compute their vectors, so that an audio encoder's `embed`
 * leaves the event loop free. A batch is split into one contiguous part per worker; the rows come
 * back in input order, so the result equals the one-thread result. Idle workers are unref'd (an
 * encoder that is never disposed does not keep the process alive).
 */
export class AudioWorkerPool {
  private nextId = 0;
  private closed = false;

  private constructor(private readonly lanes: Lane[]) {}

  static async start(spec: AudioWorkerSpec, threads: number): Promise<AudioWorkerPool> {
    const url = workerUrl(import.meta.url, './audio-worker.js');
    const lanes: Lane[] = [];
    const ready: Promise<void>[] = [];
    for (let t = 0; t < threads; t++) {
      const worker = new Worker(url, { workerData: spec });
      const lane: Lane = { worker, pending: new Map() };
      lanes.push(lane);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const fail = (error: Error) => {
            lane.dead ??= error;
            for (const p of lane.pending.values()) p.reject(error);
            lane.pending.clear();
            reject(error);
          };
          worker.on('message', (m: AudioWorkerReply) => {
            if (m.type === 'ready') return resolve();
            if (m.type === 'error' && m.id === undefined) return fail(new EmbedkitError(`audio worker: ${m.message}`));
            const p = lane.pending.get(m.id as number);
            if (!p) return;
            lane.pending.delete(m.id as number);
            if (lane.pending.size === 0) worker.unref();
            if (m.type === 'result') p.resolve({ data: m.data, errors: m.errors });
            else p.reject(new EmbedkitError(m.message));
          });
          worker.on('error', (e) => fail(new EmbedkitError(`audio worker crashed: ${e.message}`)));
          worker.on('exit', (code) => fail(new EmbedkitError(`audio worker exited (code ${code})`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(lanes.map((l) => l.worker.terminate()));
      throw error;
    }
    for (const l of lanes) l.worker.unref();
    return new AudioWorkerPool(lanes);
  }

  private send(lane: Lane, inputs: AudioInput[]): Promise<BatchOutput> {
    if (this.closed) return Promise.reject(new EmbedkitError('the encoder has been disposed'));
    if (lane.dead) return Promise.reject(lane.dead);
    const id = this.nextId++;
    const result = new Promise<BatchOutput>((resolve, reject) => lane.pending.set(id, { resolve, reject }));
    lane.worker.ref();
    const request: AudioRunRequest = { id, inputs };
    lane.worker.postMessage(request);
    return result;
  }

  /** Rows (`inputs.length × dim`) and per-item errors of `inputs`, computed on the workers. */
  async run(inputs: readonly AudioInput[], dim: number): Promise<BatchOutput> {
    const parts = Math.min(this.lanes.length, inputs.length);
    const size = Math.ceil(inputs.length / parts);
    const outputs = await Promise.all(
      Array.from({ length: parts }, (_, p) => this.send(this.lanes[p], inputs.slice(p * size, (p + 1) * size))),
    );
    const data = new Float32Array(inputs.length * dim);
    const errors: EmbedError[] = [];
    outputs.forEach((o, p) => {
      data.set(o.data, p * size * dim);
      for (const e of o.errors ?? []) errors.push({ index: e.index + p * size, message: e.message });
    });
    return { data, errors };
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}
