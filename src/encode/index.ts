/**
 * Encoders: one interface for text and image encoders (word-vector pooling, GloVe, transformer
 * sentence encoders, tfjs/ONNX image CNNs, face descriptors, trained heads, CLIP, DeViSE), a
 * registry of named encoders that loads heavy packages only when used, batching and an on-disk
 * cache. Package entry `embedkit/encode`.
 * @module embedkit/encode
 */
export type { EmbedError, EmbedOptions, Embeddings, Encoder, EncoderEntry, Modality } from './types.js';
export { BatchEncoder } from './base.js';
export type { BatchOutput, BatchResult } from './batch.js';
export type { CacheInput, CacheStats } from './cache.js';
export { MissingPackageError } from './packages.js';
export { defaultCacheDir } from './paths.js';
export {
  encoderNames,
  getEncoderEntry,
  listEncoders,
  loadEncoder,
  registerEncoder,
  unregisterEncoder,
  type EncoderEntryExtras,
  type EncoderInfo,
  type EncoderStatus,
} from './registry.js';

// Text: pooling over word vectors, GloVe-100d, transformer folders.
export {
  createPoolingEncoder,
  loadPoolingEncoder,
  MaxPoolingEncoder,
  MeanPoolingEncoder,
  NotFittedError,
  POOLING_METHODS,
  SifEncoder,
  TfidfPoolingEncoder,
  WordPoolingEncoder,
  loadGlove100,
  loadTransformerEncoder,
  TransformerEncoder,
  type DetailedEmbeddings,
  type GloveOptions,
  type GloveResult,
  type OovReport,
  type PoolingMethod,
  type PoolingOptions,
  type PoolingStateFile,
  type SifFrequencies,
  type SifOptions,
  type TfidfPoolingOptions,
  type TokenAnalysis,
  type TokenPooling,
  type TransformerOptions,
  type WordPoolingOptions,
} from './text/index.js';
export { Doc2VecEncoder, loadDoc2VecEncoder } from './text/index.js';

// Images: decoding and preprocessing, CNN features, ONNX models, faces, raw pixels.
export {
  decodeImage,
  DECODABLE_FORMATS,
  DEFAULT_MAX_INPUT_PIXELS,
  ImageInputError,
  listLabelledImages,
  loadFaceEncoder,
  loadOnnxImageEncoder,
  loadPixelEncoder,
  loadTfjsImageEncoder,
  OnnxImageEncoder,
  precisionAt1,
  preprocessBatch,
  preprocessImage,
  resolveTta,
  TfjsImageEncoder,
  type DecodeOptions,
  type FaceEncoderOptions,
  type ImageInput,
  type LabelledImageList,
  type Layout,
  type Normalization,
  type NormalizationPreset,
  type OnnxImageEncoderOptions,
  type OutputLayout,
  type OutputPooling,
  type PipelinedImageEncoder,
  type PixelEncoderOptions,
  type PreprocessedBatch,
  type PreprocessOptions,
  type PreprocessSpec,
  type RawImage,
  type ResizeMode,
  type TfjsImageEncoderOptions,
  type TfjsModelName,
  type TestTimeAugmentation,
  type TtaOption,
} from './image/index.js';

// Training an image encoder: a projection head over a frozen backbone.
export {
  computeFeatures,
  HEAD_LOSSES,
  leaveOneOutPrecisionAt1,
  loadTrainedEncoder,
  readLabelledFolder,
  retrievalFigures,
  stratifiedSplit,
  trainHead,
  TrainedImageEncoder,
  trainImageEncoder,
  trainOnFeatures,
  type Activation,
  type BackboneSpec,
  type DenseLayer,
  type FeatureOptions,
  type FeatureTable,
  type HeadLoss,
  type HeadTrainingOptions,
  type LabelledImages,
  type LayerShape,
  type LoadTrainedOptions,
  type RetrievalFigures,
  type Split,
  type TrainedEncoderInfo,
  type TrainedHead,
  type TrainImageEncoderOptions,
  type TrainingReport,
  type TripletMining,
} from './train/index.js';

// Cross-modal: CLIP towers from a local folder, DeViSE.
export {
  embedMixed,
  imageFile,
  loadClip,
  loadClipImageEncoder,
  loadClipTextEncoder,
  loadDevise,
  trainDevise,
  type ClipFileOptions,
  type ClipModel,
  type ClipOptions,
  type ClipTextEncoder,
  type ClipTextOptions,
  type DeviseMapOptions,
  type DeviseModel,
  type DeviseReport,
  type ImageFile,
  type LoadDeviseOptions,
  type MixedInput,
  type TrainDeviseOptions,
} from './crossmodal/index.js';

// Audio: the no-model mfcc-stats encoder, VGGish/YAMNet over a user's ONNX file, the clip loader.
export { loadMfccStatsEncoder, MfccStatsEncoder, mfccStatsVector, type MfccStatsOptions } from './audio/mfcc-stats.js';
export { loadOnnxAudioEncoder, OnnxAudioEncoder, yamnetPad, type OnnxAudioEncoderOptions, type PatchPooling } from './audio/onnx-audio.js';
export { AUDIO_EXTENSIONS, loadClip as loadAudioClip, type AudioInput, type AudioSamples, type Clip as AudioClip } from './audio/inputs.js';
export { AudioCnnEncoder, loadAudioCnn } from './audio/audio-cnn.js';
export { decodeAudioCnn, encodeAudioCnn, readAudioCnnFile, saveAudioCnn, type AudioCnnInfo } from './audio/audio-cnn-file.js';
export {
  AUDIO_CNN_LOSSES,
  trainAudioCnn,
  type AudioCnnLoss,
  type AudioCnnReport,
  type AudioCnnTrainingData,
  type AudioCnnTrainingOptions,
} from './audio/train-audio-cnn.js';
