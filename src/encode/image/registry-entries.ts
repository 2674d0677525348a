// The image encoders of the registry. This module is light: every heavy dependency (sharp, tfjs,
// onnxruntime-node, face-api) is imported inside load().
import type { Encoder, EncoderEntry } from '../types.js';

const TFJS = ['sharp', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] as const;

/**
 * Image encoders by name: `mobilenet-v2`, `inception-v3`, `onnx-image`, `face-api`, `raw-pixels`.
 * `needsPath` (read by the registry): the encoder loads a user-supplied model file, option `path`.
 */
export const imageEncoderEntries: readonly (EncoderEntry & {
  needsPath?: boolean;
  dimensionFor?(options: Record<string, unknown>): number | undefined;
})[] = [
  {
    name: 'mobilenet-v2',
    modality: 'image',
    dimension: 1792,
    description: 'MobileNetV2-1.4 ImageNet feature vector (TF-Hub backbone shipped in nsfwjs), 224×224, tfjs WebAssembly on worker threads',
    requires: [...TFJS, 'nsfwjs'],
    async load(options = {}): Promise<Encoder> {
      const { loadTfjsImageEncoder } = await import('./tfjs-encoder.js');
      return loadTfjsImageEncoder('mobilenet-v2', options);
    },
  },
  {
    name: 'inception-v3',
    modality: 'image',
    dimension: 2048,
    description: 'InceptionV3 features (flatten_1 of the nsfwjs InceptionV3 model), 299×299, tfjs WebAssembly on worker threads',
    requires: [...TFJS, 'nsfwjs'],
    async load(options = {}): Promise<Encoder> {
      const { loadTfjsImageEncoder } = await import('./tfjs-encoder.js');
      return loadTfjsImageEncoder('inception-v3', options);
    },
  },
  {
    name: 'onnx-image',
    modality: 'image',
    // Depends on the model: known once loaded (encoder.dimension).
    dimension: 0,
    needsPath: true,
    description:
      'any ONNX image model from a file (option `path`; e.g. ResNet-50, CLIP vision) with configurable preprocessing, onnxruntime-node (cpu)',
    requires: ['sharp', 'onnxruntime-node'],
    async load(options = {}): Promise<Encoder> {
      const { loadOnnxImageEncoder } = await import('./onnx-encoder.js');
      return loadOnnxImageEncoder(options as never);
    },
  },
  {
    name: 'face-api',
    modality: 'image',
    dimension: 128,
    description:
      'descriptor of the most confident face (@vladmandic/face-api: SSD MobileNet detector + 68-point landmarks + ResNet-34 recognition net, bundled weights)',
    requires: [...TFJS, '@vladmandic/face-api'],
    async load(options = {}): Promise<Encoder> {
      const { loadFaceEncoder } = await import('./face-encoder.js');
      return loadFaceEncoder(options);
    },
  },
  {
    name: 'raw-pixels',
    modality: 'image',
    dimension: 1024,
    description: 'baseline: 32×32 greyscale thumbnail, mean-centred (option `size` changes the dimension to size²)',
    requires: ['sharp'],
    // `size` (default 32) sets the dimension: size².
    dimensionFor(options: Record<string, unknown>): number | undefined {
      const size = options.size ?? 32;
      return Number.isSafeInteger(size) && (size as number) > 0 ? (size as number) ** 2 : undefined;
    },
    async load(options = {}): Promise<Encoder> {
      const { loadPixelEncoder } = await import('./pixel-encoder.js');
      return loadPixelEncoder(options);
    },
  },
];
