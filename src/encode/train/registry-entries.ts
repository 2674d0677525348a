import type { EncoderEntry } from '../types.js';

/**
 * The encoders of the training and cross-modal areas that load by name (light module: nothing heavy
 * is imported at top level). They all need a `path` option: the encoders themselves live in files.
 * `dimension` 0 means "given by the file".
 * - `trained`: an image encoder trained with `trainImageEncoder` or `trainDevise` and saved to one
 *   file (`.ekte`); its backbone (e.g. `mobilenet-v2`) is rebuilt by name from the file.
 * - `clip-text` / `clip-image`: the two towers of a CLIP model in a local folder
 *   (`text_model.onnx`, `vision_model.onnx`, `tokenizer.json`, transformers.js/Xenova layout).
 */

const ORT = 'onnxruntime-node';
const TRANSFORMERS = '@huggingface/transformers';
const SHARP = 'sharp';

export const trainedEncoderEntries: readonly (EncoderEntry & { needsPath?: boolean })[] = [
  {
    name: 'trained',
    modality: 'image',
    dimension: 0,
    needsPath: true,
    description:
      "Image encoder trained by embedkit (projection head or DeViSE map over a backbone encoder), from the .ekte file given as option `path`; needs the backbone's packages",
    requires: [],
    async load(options = {}) {
      const { loadTrainedEncoderFromOptions } = await import('./load-options.js');
      return loadTrainedEncoderFromOptions(options);
    },
  },
  {
    name: 'clip-text',
    modality: 'text',
    dimension: 0,
    needsPath: true,
    description:
      'CLIP text tower (text_model.onnx + tokenizer.json) from the local folder given as option `path`; same space as clip-image',
    requires: [ORT, TRANSFORMERS],
    async load(options = {}) {
      const { loadClipTowerFromOptions } = await import('../crossmodal/load-options.js');
      return loadClipTowerFromOptions('text', options);
    },
  },
  {
    name: 'clip-image',
    modality: 'image',
    dimension: 0,
    needsPath: true,
    description:
      'CLIP vision tower (vision_model.onnx + preprocessor_config.json) from the local folder given as option `path`; same space as clip-text',
    requires: [ORT, SHARP],
    async load(options = {}) {
      const { loadClipTowerFromOptions } = await import('../crossmodal/load-options.js');
      return loadClipTowerFromOptions('image', options);
    },
  },
];
