/**
 * Applications on embeddings: classification (logistic regression, linear SVM, kNN, MLP, fastText on
 * TF-IDF n-grams and encoder embeddings; by default the method is chosen for the data), clustering
 * (k-means, mini-batch k-means, DBSCAN), topics, semantic search (hybrid BM25 + vectors), matching and paraphrase mining, item2vec recommendations. Package entry
 * `embedkit/tasks`.
 * @module embedkit/tasks
 */
export {
  assignToCentroids,
  chooseK,
  dbscan,
  KMeans,
  MiniBatchKMeans,
  type ChooseKOptions,
  type ChooseKResult,
  type DbscanOptions,
  type DbscanResult,
  type KMeansOptions,
  type KMeansResult,
  type MiniBatchKMeansOptions,
} from './cluster/index.js';
export {
  agglomerative,
  hdbscan,
  type AgglomerativeOptions,
  type AgglomerativeResult,
  type ClusterSelection,
  type HdbscanOptions,
  type HdbscanResult,
  type Linkage,
} from './cluster/index.js';
export { Classifier, type ClassifierOptions, type LabelledInputs, type Prediction, type TrainProgress } from './classify/classifier.js';
export { crossValidate, stratifiedFolds, type CrossValidation } from './classify/cross-validate.js';
export { autoCandidates, chooseMethod, type AutoMethodOptions, type MethodSelection } from './classify/choose-method.js';
export { parseFastTextLines, readLabelled, readLabelledFolder } from './classify/dataset.js';
export {
  classifierMethod,
  classifierMethodNames,
  registerClassifierMethod,
  type ClassifierMethod,
  type MethodData,
  type MethodModel,
  type MethodOptions,
} from './classify/methods.js';
export type { FeatureRows } from './classify/features.js';
export { TfidfNgrams, type TfidfNgramOptions } from './classify/tfidf-ngrams.js';
export { classTfidfKeywords, findTopics, type Topic, type TopicKeyword, type TopicOptions, type TopicResult } from './topics/index.js';
export * from './search/index.js';
export * from './match/index.js';
export * from './recommend/index.js';
