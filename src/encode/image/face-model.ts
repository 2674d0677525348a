import { createRequire } from 'node:module';
import path from 'node:path';
import { EmbedkitError } from '../../errors.js';
import { importOptional } from '../packages.js';
import { commonJsExports } from './errors.js';
import { loadTfjs, type Tfjs } from './tfjs-runtime.js';

/** The npm package of the face encoder. */
export const FACE_API_PACKAGE = '@vladmandic/face-api';
/** Side of the square (padded) image the detector sees. */
export const FACE_INPUT_SIZE = 512;
/** Length of a face descriptor (FaceNet-style ResNet-34 of dlib, as ported by face-api). */
export const FACE_DIMENSION = 128;

/** The few parts of face-api used here (its node-wasm build). */
interface FaceApi {
  nets: Record<'ssdMobilenetv1' | 'faceLandmark68Net' | 'faceRecognitionNet', { loadFromDisk(dir: string): Promise<void> }>;
  SsdMobilenetv1Options: new (o: { minConfidence?: number; maxResults?: number }) => unknown;
  detectSingleFace(
    input: unknown,
    options: unknown,
  ): { withFaceLandmarks(): { withFaceDescriptor(): Promise<{ descriptor: Float32Array; detection: { score: number } } | undefined> } };
}

const require = createRequire(import.meta.url);

/** One image's outcome: a descriptor, or why there is none. */
export type FaceResult = { descriptor: Float32Array } | { problem: string };

/** A loaded face pipeline; runs on preprocessed `FACE_INPUT_SIZE²` RGB images (values 0..255, NHWC). */
export interface FaceModel {
  run(batch: Float32Array, count: number): Promise<FaceResult[]>;
}

/**
 * Loads face-api's SSD MobileNet v1 detector, 68-point landmark net and recognition net from the
 * weights bundled in the package (no network), on the tfjs WebAssembly backend.
 */
export async function loadFaceModel(minConfidence = 0.5): Promise<FaceModel> {
  const tf: Tfjs = await loadTfjs('face-api');
  const faceapi = commonJsExports<FaceApi>(
    await importOptional('face-api', FACE_API_PACKAGE, `${FACE_API_PACKAGE}/dist/face-api.node-wasm.js`),
  );
  const modelDir = path.join(path.dirname(require.resolve(`${FACE_API_PACKAGE}/package.json`)), 'model');
  try {
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  } catch (error) {
    throw new EmbedkitError(`could not load the face-api models from ${modelDir}: ${(error as Error).message}`, 'EMBEDKIT_DEPENDENCY');
  }
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 10 });
  const side = FACE_INPUT_SIZE;
  const per = side * side * 3;
  return {
    async run(batch, count) {
      const results: FaceResult[] = [];
      for (let i = 0; i < count; i++) {
        const image = tf.tensor3d(batch.subarray(i * per, (i + 1) * per), [side, side, 3], 'float32');
        try {
          const found = await faceapi.detectSingleFace(image, options).withFaceLandmarks().withFaceDescriptor();
          results.push(
            found
              ? { descriptor: Float32Array.from(found.descriptor) }
              : { problem: `no face found (detector confidence < ${minConfidence})` },
          );
        } finally {
          image.dispose();
        }
      }
      return results;
    },
  };
}
