/**
 * Word vectors: `KeyedVectors` (a vocabulary and one matrix, apart from any training state), their
 * loading and saving in every supported format, and the word2vec trainer. Package entry
 * `embedkit/vectors`.
 * @module embedkit/vectors
 */
export {
  DEFAULT_TOPN,
  KeyedVectors,
  KeyError,
  type CentralityOptions,
  type KeyedVectorsInit,
  type MeanVectorOptions,
  type MostSimilarOptions,
  type Neighbor,
  type SearchOptions,
  type Terms,
  type WordOrVector,
} from './keyed-vectors.js';
export { loadVectors, loadVectorsSync, loadVectorsWithInfo, loadVectorsWithInfoSync, type LoadOptions, type LoadResult } from './load.js';
export { saveVectors, saveVectorsSync, type SaveOptions } from './save.js';
export { Word2Vec, trainWord2Vec, type TrainResult, type VocabSummary } from './word2vec/trainer.js';
export {
  DEFAULT_ALPHA,
  WORD2VEC_DEFAULTS,
  type ResolvedWord2VecOptions,
  type TrainingProgress,
  type Word2VecOptions,
} from './word2vec/options.js';
export { GloVe, trainGloVe, type CooccurrenceSummary, type GloVeTrainResult } from './glove/trainer.js';
export { GLOVE_DEFAULTS, type GloVeOptions, type GloVeProgress, type ResolvedGloVeOptions } from './glove/options.js';
export { FastTextModel } from './fasttext/fasttext-model.js';
export { fastTextHash, hashWord, subwordBuckets, subwordStrings, type SubwordSettings } from './fasttext/subwords.js';
export { FastText, trainFastText } from './fasttext/trainer.js';
export { FASTTEXT_DEFAULTS, type FastTextOptions, type ResolvedFastTextOptions } from './fasttext/options.js';
export { FastTextClassifier, type PredictOptions, type Prediction, type TestResult } from './fasttext/supervised/classifier.js';
export {
  trainSupervised,
  trainSupervisedAsync,
  type SupervisedInput,
  type SupervisedProgress,
  type SupervisedRunOptions,
  type SupervisedTrainResult,
} from './fasttext/supervised/train.js';
export { quantizeSupervised, type QuantizeOptions } from './fasttext/supervised/quantize.js';
export { SUPERVISED_DEFAULTS, type SupervisedOptions } from './fasttext/supervised/options.js';
export { Doc2Vec, trainDoc2Vec, type Doc2VecTrainResult, type DocumentSummary } from './doc2vec/trainer.js';
export { Doc2VecModel, type InferOptions } from './doc2vec/model.js';
export { DOC2VEC_DEFAULTS, type Doc2VecOptions, type ResolvedDoc2VecOptions } from './doc2vec/options.js';
export {
  readTaggedDocuments,
  type DocumentFormat,
  type DocumentInput,
  type ReadDocumentsOptions,
  type TaggedDocument,
} from './doc2vec/documents.js';
