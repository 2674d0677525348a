import { FileFormatError, UsageError } from '../../errors.js';
import { stopWordsFromOption } from '../../text/stop-word-option.js';
import { Tokenizer } from '../../text/tokenizer.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import { KeyedVectors, type MostSimilarOptions, type Neighbor, type Terms } from '../keyed-vectors.js';
import { Doc2VecInference, type InferSettings } from './inference.js';
import { readDoc2VecFile, writeDoc2VecFile, type Doc2VecData } from './model-file.js';
import type { ResolvedDoc2VecOptions, StoredDoc2VecOptions } from './options.js';

/** Options of {@link Doc2VecModel.inferVector}; defaults are the model's training settings. */
export interface InferOptions {
  /** Passes over the document. Default: the model's `epochs`. */
  epochs?: number;
  /** Initial learning rate. Default: the model's `alpha`. */
  alpha?: number;
  /** Final learning rate (reached at the last epoch). Default: the model's `minAlpha`. */
  minAlpha?: number;
  /** Seed of the starting vector, subsampling and negatives. Default: the model's `seed`. */
  seed?: number;
}

/** Tokenizer settings in a JSON-safe form (stop words as the word list they name). */
export function storableTokenizerOptions(o: TokenizerOptions = {}): TokenizerOptions {
  return o.stopWords ? { ...o, stopWords: stopWordsFromOption(o.stopWords) } : { ...o };
}

/**
 * A trained Doc2Vec model (Le & Mikolov 2014): document vectors by tag (`dv`, a KeyedVectors as
 * gensim's `model.dv`), word vectors (`wv`; trained by PV-DM and by PV-DBOW with dbowWords, left at
 * their random start by plain PV-DBOW), and the output weights that {@link inferVector} needs to
 * place new documents in the same space.
 *
 * ```ts
 * const model = await Doc2VecModel.load('docs.d2v');
 * const v = model.inferVector('a new document');
 * model.mostSimilar(v, { topn: 5 }); // nearest training documents by tag
 * ```
 */
export class Doc2VecModel {
  readonly options: StoredDoc2VecOptions;
  /** Document vectors, one row per tag. */
  readonly dv: KeyedVectors;
  /** Word vectors, most frequent word first. */
  readonly wv: KeyedVectors;
  /** How `inferVector(text)` tokenizes (the training tokenizer's settings). */
  readonly tokenizerOptions: TokenizerOptions;
  private readonly data: Doc2VecData;
  private readonly tokenizer: Tokenizer;
  private engine: Doc2VecInference | undefined;

  constructor(data: Doc2VecData) {
    const d = data.options.dim;
    this.data = data;
    this.options = data.options;
    this.tokenizerOptions = data.tokenizer;
    this.tokenizer = new Tokenizer(data.tokenizer);
    this.wv = new KeyedVectors({ words: data.words, vectors: data.wordVectors, dim: d, counts: data.counts });
    this.dv = new KeyedVectors({ words: data.tags, vectors: data.docVectors, dim: d });
  }

  get dim(): number {
    return this.options.dim;
  }

  /** Tokens of `text` as the model's tokenizer gives them. */
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }

  /**
   * The vector of a new document (text, tokenized as in training, or tokens): a fresh document
   * vector trained for `epochs` passes against the frozen word vectors and output weights. The same
   * seed gives the same vector; different seeds give close ones (more epochs: closer). A document
   * with no known word gets its random starting vector.
   */
  inferVector(document: string | readonly string[], options: InferOptions = {}): Float32Array {
    const s = this.inferSettings(options);
    const words = typeof document === 'string' ? this.tokenize(document) : document;
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string'))
      throw new UsageError('inferVector expects a string or an array of tokens');
    const ids: number[] = [];
    for (const w of words) {
      const id = this.wv.indexOf(w);
      if (id >= 0) ids.push(id);
    }
    this.engine ??= new Doc2VecInference(this.data, this.resolved());
    return this.engine.infer(Int32Array.from(ids), s);
  }

  /** {@link inferVector} of each document, as a row-major matrix (`documents.length × dim`). */
  inferVectors(documents: readonly (string | readonly string[])[], options: InferOptions = {}): Float32Array {
    const out = new Float32Array(documents.length * this.dim);
    documents.forEach((doc, i) => out.set(this.inferVector(doc, options), i * this.dim));
    return out;
  }

  /** The training documents nearest to tags and/or vectors (cosine), as `dv.mostSimilar`. */
  mostSimilar(positive: Terms, options: Omit<MostSimilarOptions, 'positive'> = {}): Neighbor[] {
    return this.dv.mostSimilar(positive, options);
  }

  /** Writes the model (atomically) to `file`; see model-file.ts for the format. */
  save(file: string): Promise<void> {
    return writeDoc2VecFile(file, this.data);
  }

  /** Reads a model written by {@link save}; FileFormatError naming the file when it is not a valid one. */
  static async load(file: string): Promise<Doc2VecModel> {
    const data = await readDoc2VecFile(file);
    try {
      return new Doc2VecModel(data);
    } catch (e) {
      // settings the reader could not check alone: the tokenizer's, repeated words or tags
      if (e instanceof UsageError) throw new FileFormatError(file, `not a usable Doc2Vec model: ${e.message}`);
      throw e;
    }
  }

  private inferSettings(o: InferOptions): InferSettings {
    const s = {
      epochs: o.epochs ?? this.options.epochs,
      alpha: o.alpha ?? this.options.alpha,
      minAlpha: o.minAlpha ?? this.options.minAlpha,
      seed: o.seed ?? this.options.seed,
    };
    if (!Number.isInteger(s.epochs) || s.epochs < 1) throw new UsageError(`epochs must be an integer >= 1, got ${s.epochs}`);
    if (!(s.alpha > 0 && Number.isFinite(s.alpha))) throw new UsageError(`alpha must be a number > 0, got ${s.alpha}`);
    if (!(s.minAlpha >= 0 && s.minAlpha <= s.alpha)) throw new UsageError(`minAlpha must be in [0, alpha], got ${s.minAlpha}`);
    if (!Number.isFinite(s.seed)) throw new UsageError(`seed must be a finite number, got ${s.seed}`);
    return s;
  }

  private resolved(): ResolvedDoc2VecOptions {
    return { ...this.options, workers: 1, progressInterval: 500 };
  }
}
