/**
 * Cross-modal encoders: CLIP (text + vision towers from a local ONNX folder) and DeViSE (a linear
 * map from image features into a word-vector space, Frome et al. 2013).
 * @module
 */
export { loadClip, loadClipImageEncoder, loadClipTextEncoder, clipImagePreprocessing, type ClipModel, type ClipOptions } from './clip.js';
export { ClipTextEncoder, type ClipTextOptions } from './clip-text.js';
export { locateClipFiles, type ClipFileOptions, type ClipFiles } from './clip-files.js';
export {
  trainDevise,
  loadDevise,
  defaultLabelText,
  type DeviseModel,
  type DeviseReport,
  type LoadDeviseOptions,
  type TrainDeviseOptions,
} from './devise.js';
export { trainDeviseMap, hingeRankLoss, type DeviseMapOptions } from './devise-map.js';
export { embedMixed, imageFile, isTextInput, type ImageFile, type MixedInput } from './mixed.js';
