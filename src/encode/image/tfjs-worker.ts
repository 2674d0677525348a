// Worker-thread entry of the tfjs image encoders: loads one model (tfjs + WebAssembly backend, weights
// from nsfwjs or face-api) and runs the preprocessed batches it is sent. Each worker is one
// single-threaded inference engine; the main thread decodes the next batches meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { MissingPackageError } from '../packages.js';
import { FACE_DIMENSION, loadFaceModel } from './face-model.js';
import { loadTfjsFeatureModel } from './tfjs-models.js';
import type { TfjsRunRequest, TfjsWorkerData, TfjsWorkerReply } from './tfjs-protocol.js';

const port = parentPort;
if (!port) throw new Error('tfjs-worker.js must run in a worker thread');
const post = (reply: TfjsWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

type Run = (batch: Float32Array, count: number) => Promise<{ features: Float32Array; failures: { index: number; message: string }[] }>;

async function load(data: TfjsWorkerData): Promise<Run> {
  if (data.model === 'face-api') {
    const model = await loadFaceModel(data.minConfidence);
    return async (batch, count) => {
      const features = new Float32Array(count * FACE_DIMENSION);
      const failures: { index: number; message: string }[] = [];
      (await model.run(batch, count)).forEach((r, i) => {
        if ('descriptor' in r) features.set(r.descriptor, i * FACE_DIMENSION);
        else failures.push({ index: i, message: r.problem });
      });
      return { features, failures };
    };
  }
  const model = await loadTfjsFeatureModel(data.model, data.pooling);
  return async (batch, count) => ({ features: model.run(batch, count), failures: [] });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  let run: Run;
  try {
    run = await load(workerData as TfjsWorkerData);
  } catch (e) {
    post({
      type: 'error',
      message: (e as Error).message,
      ...(e instanceof MissingPackageError ? { missingPackages: [...e.packages] } : {}),
    });
    return;
  }
  // One request at a time, in arrival order (the pool sends one per idle worker).
  let queue = Promise.resolve();
  port!.on('message', (m: TfjsRunRequest) => {
    queue = queue.then(async () => {
      try {
        const { features, failures } = await run(m.batch, m.count);
        post({ type: 'result', id: m.id, features, ...(failures.length ? { failures } : {}) }, [features.buffer as ArrayBuffer]);
      } catch (e) {
        post({ type: 'error', id: m.id, message: (e as Error).message });
      }
    });
  });
  post({ type: 'ready', loadSeconds: (performance.now() - t0) / 1000 });
}

void main();
