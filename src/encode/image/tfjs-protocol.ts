import type { MapPoolingSpec } from './map-pooling.js';
import type { TfjsModelName } from './tfjs-models.js';

/** What an inference worker runs: a tfjs feature extractor, or the face-api pipeline. */
export type WorkerModelName = TfjsModelName | 'face-api';

/** workerData of a tfjs inference worker. */
export interface TfjsWorkerData {
  model: WorkerModelName;
  /** face-api: minimum detector confidence. */
  minConfidence?: number;
  /** mobilenet-v2 / inception-v3: how the feature map is pooled (default: the model's own average). */
  pooling?: MapPoolingSpec;
}

/** Main thread → worker. */
export interface TfjsRunRequest {
  type: 'run';
  id: number;
  /** Preprocessed batch (NHWC floats); its buffer is transferred. */
  batch: Float32Array;
  count: number;
}

/** Worker → main thread. */
export type TfjsWorkerReply =
  | { type: 'ready'; loadSeconds: number }
  | { type: 'result'; id: number; features: Float32Array; failures?: { index: number; message: string }[] }
  | {
      type: 'error';
      id?: number;
      message: string;
      /** Set when loading failed because these npm packages are not installed. */ missingPackages?: string[];
    };
