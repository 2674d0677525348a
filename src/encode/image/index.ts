/**
 * Image encoders: sharp decoding/preprocessing, pretrained CNN features (`mobilenet-v2`,
 * `inception-v3` from nsfwjs weights on tfjs WebAssembly), any ONNX image model (`onnx-image`), face
 * descriptors (`face-api`) and a raw-pixel baseline (`raw-pixels`).
 * @module
 */
export type { ImageInput, Layout, Normalization, PreprocessOptions, RawImage, ResizeMode } from './types.js';
export { DEFAULT_MAX_INPUT_PIXELS } from './types.js';
export { ImageInputError } from './errors.js';
export { resolveTta, viewsPerImage, type TestTimeAugmentation, type TtaOption, type TtaSpec } from './augment.js';
export { decodeImage, DECODABLE_FORMATS, type DecodeOptions } from './decode.js';
export {
  CLIP_MEAN,
  CLIP_STD,
  IMAGENET_MEAN,
  IMAGENET_STD,
  normalizationOf,
  preprocessBatch,
  preprocessImage,
  resolvePreprocess,
  type NormalizationPreset,
  type PreprocessedBatch,
  type PreprocessSpec,
} from './preprocess.js';
export { PipelinedImageEncoder, type BatchRunner, type PipelinedImageEncoderInit, type RunnerOutput } from './pipeline.js';
export { poolOutput, pooledDimension, type OutputLayout, type OutputPooling } from './output-pooling.js';
export { loadTfjsImageEncoder, TfjsImageEncoder, type TfjsImageEncoderOptions } from './tfjs-encoder.js';
export { TFJS_MODELS, type TfjsModelName } from './tfjs-models.js';
export { loadOnnxImageEncoder, OnnxImageEncoder, type OnnxImageEncoderOptions } from './onnx-encoder.js';
export { loadFaceEncoder, type FaceEncoderOptions } from './face-encoder.js';
export { loadPixelEncoder, type PixelEncoderOptions } from './pixel-encoder.js';
export { imageEncoderEntries } from './registry-entries.js';
export { listLabelledImages, precisionAt1, type LabelledImageList } from './labelled-set.js';
