/**
 * Encoders: one interface for text and image encoders (word-vector pooling, GloVe, transformer
 * sentence encoders, tfjs/ONNX image CNNs, face descriptors, trained heads, CLIP, DeViSE), a
 * registry of named encoders that loads heavy packages only when used, batching and an on-disk
 * cache.
 * @module
 */
export type { EmbedError, EmbedOptions, Embeddings, Encoder, EncoderEntry, Modality } from './types.js';
export { BatchEncoder } from './base.js';
export { normalizeInPlace, runBatches, type BatchFunction, type BatchOutput, type BatchResult, type BatchSettings } from './batch.js';
export { EmbeddingCache, type CacheInput, type CacheStats } from './cache.js';
export { isPackageAvailable, MissingPackageError } from './packages.js';
export { defaultCacheDir } from './paths.js';
export {
  listEncoders,
  getEncoderEntry,
  loadEncoder,
  registerEncoder,
  unregisterEncoder,
  encoderNames,
  encoderStatus,
  type EncoderInfo,
  type EncoderStatus,
  type EncoderEntryExtras,
} from './registry.js';
export { readTextLines, listImageFiles, type ListedFile, type ImageListing, type ListImagesOptions } from './inputs.js';
export * from './text/index.js';
export * from './image/index.js';
export * from './train/index.js';
export * from './crossmodal/index.js';
