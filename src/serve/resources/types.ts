import type { Encoder, Modality } from '../../encode/types.js';
import type { SemanticSearch } from '../../tasks/search/semantic-search.js';
import type { FastTextModel } from '../../vectors/fasttext/fasttext-model.js';
import type { KeyedVectors } from '../../vectors/keyed-vectors.js';

/** Word vectors the server answers neighbour, analogy and vector queries from. */
export interface VectorsResource {
  kind: 'vectors';
  /** What requests call it (`model`). */
  name: string;
  /** The file it was loaded from. */
  source: string;
  vectors: KeyedVectors;
  /** A fastText .bin/.ftz model: vectors for words outside the vocabulary (from character n-grams). */
  fastText?: FastTextModel;
}

/** A search index folder written by `embedkit search build`. */
export interface IndexResource {
  kind: 'index';
  name: string;
  source: string;
  search: SemanticSearch;
  /** Document ids in point order (the order of `/v1/points` and projections). */
  ids: readonly (string | number)[];
  /** Row of each document id in {@link ids}. */
  rowOf: ReadonlyMap<string, number>;
  /** The vector key of each document's first chunk, in point order (its vector stands for the document). */
  firstChunk: Int32Array;
  /** The index was built over image files that can be shown as thumbnails. */
  hasThumbnails: boolean;
}

/** One predicted label. */
export interface LabelScore {
  label: string;
  probability: number;
}

/** A text classifier: an `embedkit classify train` model or a supervised fastText .bin/.ftz. */
export interface ClassifierResource {
  kind: 'classifier';
  name: string;
  source: string;
  /** 'classifier' (embedkit's) or 'fasttext' (supervised fastText). */
  format: 'classifier' | 'fasttext';
  labels: readonly string[];
  modality: Modality;
  /** The `k` most probable labels of each text, best first. */
  predict(texts: readonly string[], k: number): Promise<LabelScore[][]>;
}

/** Anything the server loaded from a MODEL|INDEX argument. */
export type Resource = VectorsResource | IndexResource | ClassifierResource;

/** An encoder `/v1/embed` may use, by name. */
export interface EncoderResource {
  name: string;
  modality: Modality;
  dims: number;
  /** Loads (once) and returns the encoder. */
  get(): Promise<Encoder>;
}
