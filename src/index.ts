/**
 * embedkit: train word vectors, query and evaluate them, read and write vector files, index and
 * search vectors, embed text and images with pretrained encoders. This root entry holds what most
 * programs use; the layers have their own entries with the rest of their public API:
 * `embedkit/vectors`, `embedkit/text`, `embedkit/io`, `embedkit/ann`, `embedkit/evaluate`,
 * `embedkit/encode`.
 * @module embedkit
 */
export { AbortError, EmbedkitError, FileFormatError, UsageError } from './errors.js';
export { VERSION } from './version.js';

// Word vectors, word2vec and GloVe.
export {
  GloVe,
  trainGloVe,
  type GloVeOptions,
  KeyedVectors,
  KeyError,
  loadVectors,
  loadVectorsSync,
  saveVectors,
  saveVectorsSync,
  trainWord2Vec,
  Word2Vec,
  type KeyedVectorsInit,
  type LoadOptions,
  type MostSimilarOptions,
  type Neighbor,
  type SaveOptions,
  type SearchOptions,
  type Terms,
  type TrainingProgress,
  type TrainResult,
  type VocabSummary,
  type Word2VecOptions,
} from './vectors/index.js';
export { Doc2Vec, Doc2VecModel, trainDoc2Vec } from './vectors/index.js'; // option types: embedkit/vectors

// Text and corpora.
export {
  FileCorpus,
  LineCorpus,
  sentencesFrom,
  Tokenizer,
  tokenizedCorpus,
  type FileCorpusOptions,
  type StopWordsOption,
  type TokenizerOptions,
  type TrainingInput,
  tagPartsOfSpeech, // its types (TaggedToken, UniversalPosTag): embedkit/text
} from './text/index.js';

// Evaluation.
export {
  evaluateAnalogies,
  evaluateWordPairs,
  type AnalogyOptions,
  type AnalogyResult,
  type WordPairOptions,
  type WordPairResult,
} from './evaluate/index.js';

// Vector indexes.
export {
  createIndex,
  FlatIndex,
  HnswIndex,
  loadIndex,
  loadIndexSync,
  type HnswOptions,
  type Id,
  type IndexOptions,
  type IndexSearchOptions,
  type LoadedIndex,
  type Metadata,
  type Metric,
  type SearchFilter,
  type SearchHit,
  type VectorIndex,
  type VectorInput,
} from './ann/index.js';

// Encoders.
export {
  listEncoders,
  loadEncoder,
  MissingPackageError,
  registerEncoder,
  unregisterEncoder,
  type EmbedOptions,
  type Embeddings,
  type Encoder,
  type EncoderEntry,
  type EncoderInfo,
  type Modality,
} from './encode/index.js';

// Vector files beyond word vectors (loadVectors/saveVectors read and write those).
export {
  detectFormat,
  readBvecs,
  readFvecs,
  readIvecs,
  readJsonlVectors,
  readNpy,
  readVecs,
  readVectorsAny,
  writeBvecs,
  writeFvecs,
  writeIvecs,
  writeJsonlVectors,
  writeNpy,
  writeVecs,
  type VectorFormatName,
} from './io/index.js';

// Applications: classification, clustering, topics (more in embedkit/tasks; their metrics in embedkit/evaluate).
export {
  Classifier,
  crossValidate,
  findTopics,
  KMeans,
  MiniBatchKMeans,
  type ClassifierOptions,
  type KMeansOptions,
  type KMeansResult,
  type TopicOptions,
  type TopicResult,
} from './tasks/index.js';
