// The audio encoders of the registry. Light module: the encoders are imported inside load().
import type { Encoder, EncoderEntry } from '../types.js';

/**
 * Audio encoders by name: `mfcc-stats` (no model), `vggish-onnx`, `yamnet-onnx` (a user's ONNX file),
 * `audio-cnn` (a CNN trained by `embedkit audio train`, from its .ekte file).
 */
export const audioEncoderEntries: readonly (EncoderEntry & {
  needsPath?: boolean;
  dimensionFor?(options: Record<string, unknown>): number | undefined;
})[] = [
  {
    name: 'mfcc-stats',
    modality: 'audio',
    dimension: 134,
    description:
      'no model: MFCC statistics (means, spreads, delta spreads) plus segment means that keep the coarse order of the sounds; 16 kHz, 25/10 ms frames, 40 mel bands',
    requires: [],
    dimensionFor(options: Record<string, unknown>): number | undefined {
      const n = options.nMfcc ?? 20;
      const s = options.segments ?? 4;
      return Number.isSafeInteger(n) && Number.isSafeInteger(s)
        ? 2 * ((n as number) - 1) + (n as number) + (s as number) * ((n as number) - 1)
        : undefined;
    },
    async load(options = {}): Promise<Encoder> {
      const { loadMfccStatsEncoder } = await import('./mfcc-stats.js');
      return loadMfccStatsEncoder(options);
    },
  },
  {
    name: 'vggish-onnx',
    modality: 'audio',
    dimension: 0,
    needsPath: true,
    description:
      'VGGish from your ONNX file (option `path`): the published log-mel front end (16 kHz, 25/10 ms, 64 mel bands, 0.96 s patches), patch embeddings mean-pooled; optional PCA/8-bit postprocessing',
    requires: ['onnxruntime-node'],
    async load(options = {}): Promise<Encoder> {
      const { loadOnnxAudioEncoder } = await import('./onnx-audio.js');
      return loadOnnxAudioEncoder('vggish', options as never);
    },
  },
  {
    name: 'yamnet-onnx',
    modality: 'audio',
    dimension: 0,
    needsPath: true,
    description:
      "YAMNet from your ONNX file (option `path`, a model taking log-mel patches): YAMNet's front end (log offset 0.001, patches every 0.48 s), the `embeddings` output mean-pooled",
    requires: ['onnxruntime-node'],
    async load(options = {}): Promise<Encoder> {
      const { loadOnnxAudioEncoder } = await import('./onnx-audio.js');
      return loadOnnxAudioEncoder('yamnet', options as never);
    },
  },
  {
    name: 'audio-cnn',
    modality: 'audio',
    dimension: 0,
    needsPath: true,
    description:
      'a CNN over 0.96 s log-mel patches trained on your labelled clips by `embedkit audio train` (option `path`: its .ekte file); the layer under the classifier, averaged over patches',
    requires: [],
    async load(options = {}): Promise<Encoder> {
      const { loadAudioCnnFromOptions } = await import('./audio-cnn.js');
      return loadAudioCnnFromOptions(options);
    },
  },
];
