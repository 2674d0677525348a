/**
 * Train your own image encoder: a projection head (MLP) on top of a frozen pretrained backbone,
 * trained with supervised contrastive, batch-hard triplet or softmax loss from a folder of
 * labelled images; saved to and reloaded from one `.ekte` file.
 * @module
 */
export { trainImageEncoder, trainOnFeatures, type TrainImageEncoderOptions, type TrainingReport } from './train-encoder.js';
export { trainHead, HEAD_LOSSES, type HeadLoss, type HeadTrainingOptions, type TrainedHead, type TripletMining } from './train-head.js';
export { TrainedImageEncoder, type TrainedEncoderInfo } from './trained-encoder.js';
export {
  decodeTrainedEncoder,
  encodeTrainedEncoder,
  loadTrainedEncoder,
  readTrainedEncoderFile,
  saveTrainedEncoder,
  TRAINED_MAGIC,
  TRAINED_VERSION,
  type LoadTrainedOptions,
} from './trained-file.js';
export { readLabelledFolder, stratifiedSplit, IMAGE_EXTENSIONS, type LabelledImages, type Split } from './dataset.js';
export { computeFeatures, type FeatureOptions, type FeatureTable } from './features.js';
export { backboneSpec, loadBackbone, type BackboneSpec } from './backbone.js';
export { leaveOneOutPrecisionAt1, retrievalFigures, type RetrievalFigures } from '../../learn/metrics.js';
export { batchHardTripletLoss, semiHardTripletLoss, softmaxCrossEntropy, supConLoss, type LossResult } from '../../learn/losses.js';
export { predict, type Activation, type DenseLayer, type LayerShape } from '../../learn/mlp.js';
export { Adam } from '../../learn/adam.js';
export { trainedEncoderEntries } from './registry-entries.js';
