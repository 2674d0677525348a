import { FileFormatError, UsageError } from '../../errors.js';
import { KeyError, type KeyedVectors } from '../../vectors/keyed-vectors.js';
import { WordPoolingEncoder, type TokenAnalysis, type WordPoolingOptions } from './word-pooling.js';

/** Options of {@link TfidfPoolingEncoder}. */
export interface TfidfPoolingOptions extends WordPoolingOptions {
  /**
   * IDF weights to use instead of fitting them (words not in the vocabulary are ignored). Words of
   * the vocabulary missing here get `defaultIdf`.
   */
  idf?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** IDF of vocabulary words absent from `idf`. Default: the largest given IDF (an unseen word is rare). */
  defaultIdf?: number;
  /** Weight a word by (1 + ln tf) · idf instead of tf · idf. Default false. */
  sublinearTf?: boolean;
}

/**
 * The TF-IDF-weighted average of the word vectors of a text's known tokens:
 * Σ tf(w)·idf(w)·v(w) / Σ tf(w)·idf(w). `fit(corpus)` sets idf(w) = ln((1 + n) / (1 + df(w))) + 1
 * (scikit-learn's smoothed IDF over n documents; a vocabulary word that never occurs gets
 * ln(1 + n) + 1). `embed` needs `fit`, given `idf`, a loaded state or `autoFit` (which fits on
 * the inputs of the first `embed` call).
 */
export class TfidfPoolingEncoder extends WordPoolingEncoder {
  readonly method = 'tfidf' as const;
  readonly sublinearTf: boolean;
  /** IDF per vocabulary row, or undefined before fit / without given IDF. */
  #idf: Float64Array | undefined;
  #documents: number | undefined;
  #defaultIdf = 1;

  constructor(vectors: KeyedVectors, options: TfidfPoolingOptions = {}) {
    super(vectors, options, 'tfidf');
    this.sublinearTf = options.sublinearTf ?? false;
    if (options.idf !== undefined) {
      const entries = options.idf instanceof Map ? [...options.idf.entries()] : Object.entries(options.idf);
      let max = 0;
      for (const [word, value] of entries) {
        if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0))
          throw new UsageError(`idf of '${word}' must be a finite number ≥ 0, got ${String(value)}`);
        max = Math.max(max, value);
      }
      const fallback = options.defaultIdf ?? max;
      if (!(Number.isFinite(fallback) && fallback >= 0))
        throw new UsageError(`defaultIdf must be a finite number ≥ 0, got ${String(options.defaultIdf)}`);
      this.#setIdf(new Map(entries), fallback, undefined);
    } else if (options.defaultIdf !== undefined) throw new UsageError('defaultIdf needs idf');
  }

  #setIdf(idf: ReadonlyMap<string, number>, fallback: number, documents: number | undefined): void {
    const table = new Float64Array(this.vectors.size).fill(fallback);
    for (const [word, value] of idf) {
      const r = this.vectors.indexOf(word);
      if (r >= 0) table[r] = value;
    }
    this.#idf = table;
    this.#defaultIdf = fallback;
    this.#documents = documents;
  }

  override get fitted(): boolean {
    return this.#idf !== undefined;
  }

  /** Number of documents the IDF was fitted on (undefined if given or not fitted). */
  get documents(): number | undefined {
    return this.#documents;
  }

  /** The IDF of `word` (1 before fitting; `defaultIdf` for a vocabulary word without one). Throws KeyError for an unknown word. */
  idfOf(word: string): number {
    const r = this.vectors.indexOf(word);
    if (r < 0) throw new KeyError(word);
    return this.#idf ? this.#idf[r] : 1;
  }

  /** Fits the IDF on analysed documents (see `fit(corpus)`, one document per item; only vocabulary words are counted). */
  protected override fitAnalyses(analyses: readonly TokenAnalysis[]): this {
    const df = new Map<number, number>();
    const n = analyses.length;
    for (const a of analyses) for (const r of new Set(a.rows)) df.set(r, (df.get(r) ?? 0) + 1);
    if (n === 0) throw new UsageError('fit needs at least one document');
    const idf = new Map<string, number>();
    for (const [r, count] of df) idf.set(this.vectors.wordAt(r), Math.log((1 + n) / (1 + count)) + 1);
    this.#setIdf(idf, Math.log(1 + n) + 1, n);
    return this;
  }

  protected pool(rows: Int32Array, out: Float32Array): void {
    const m = this.matrix;
    const dim = this.dimension;
    const idf = this.#idf;
    const acc = new Float64Array(dim);
    let total = 0;
    const add = (r: number, w: number): void => {
      for (let d = 0, b = r * dim; d < dim; d++) acc[d] += w * m[b + d];
      total += w;
    };
    if (this.sublinearTf) {
      const tf = new Map<number, number>();
      for (const r of rows) tf.set(r, (tf.get(r) ?? 0) + 1);
      for (const [r, count] of tf) add(r, (1 + Math.log(count)) * (idf ? idf[r] : 1));
    } else for (const r of rows) add(r, idf ? idf[r] : 1);
    if (!(total > 0)) {
      // All weights 0 (given IDF of 0): fall back to the plain mean rather than dividing by zero.
      acc.fill(0);
      for (const r of rows) for (let d = 0, b = r * dim; d < dim; d++) acc[d] += m[b + d];
      total = rows.length;
    }
    for (let d = 0; d < dim; d++) out[d] = acc[d] / total;
  }

  params(): Record<string, unknown> {
    return { preNormalize: this.preNormalize, sublinearTf: this.sublinearTf };
  }

  protected override stateJson(): Record<string, unknown> | null {
    if (!this.#idf) return null;
    const idf: Record<string, number> = {};
    for (let r = 0; r < this.#idf.length; r++) if (this.#idf[r] !== this.#defaultIdf) idf[this.vectors.wordAt(r)] = this.#idf[r];
    return { documents: this.#documents ?? null, defaultIdf: this.#defaultIdf, idf };
  }

  protected override restoreState(state: Record<string, unknown> | null, file: string): void {
    if (state === null) {
      this.#idf = undefined;
      this.#documents = undefined;
      return;
    }
    const { documents, defaultIdf, idf } = state as { documents: unknown; defaultIdf: unknown; idf: unknown };
    if (typeof defaultIdf !== 'number' || !Number.isFinite(defaultIdf)) throw new FileFormatError(file, 'tfidf state: bad defaultIdf');
    if (idf === null || typeof idf !== 'object') throw new FileFormatError(file, 'tfidf state: bad idf');
    const map = new Map<string, number>();
    for (const [w, v] of Object.entries(idf as Record<string, unknown>)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new FileFormatError(file, `tfidf state: bad idf of '${w}'`);
      map.set(w, v);
    }
    if (documents !== null && !Number.isSafeInteger(documents)) throw new FileFormatError(file, 'tfidf state: bad documents');
    this.#setIdf(map, defaultIdf, (documents as number | null) ?? undefined);
  }
}
