import { FileFormatError, UsageError } from '../../errors.js';

/** Options of {@link TfidfNgrams}. */
export interface TfidfNgramOptions {
  /** Word n-gram lengths [min, max]; null for none. Default [1, 2]. */
  wordNgrams?: readonly [number, number] | null;
  /** Character n-gram lengths [min, max] inside word boundaries (scikit-learn's char_wb); null for none. Default [2, 5]. */
  charNgrams?: readonly [number, number] | null;
  /** Keep n-grams seen in at least this many documents. Default 2. */
  minDf?: number;
  /** Keep at most this many n-grams per kind (most frequent by document count). Default 200 000. */
  maxFeatures?: number;
  /** tf → 1 + ln tf. Default true. */
  sublinearTf?: boolean;
}

/** The fitted state of a {@link TfidfNgrams}, as saved in a model file. */
export interface TfidfNgramState {
  wordNgrams: [number, number] | null;
  charNgrams: [number, number] | null;
  sublinearTf: boolean;
  /** N-grams, word ones prefixed 'w:' and char ones 'c:'; column = position. */
  terms: string[];
  idf: number[];
}

/** Lower-cased word tokens: runs of letters, digits and apostrophes/underscores inside words. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*/gu) ?? [];
}

/**
 * Sparse TF-IDF features of word n-grams and character n-grams (within word boundaries), the
 * classic strong baseline for short-text classification (scikit-learn's TfidfVectorizer with
 * analyzer 'word' and 'char_wb', sublinear tf, smoothed idf = ln((1 + n) / (1 + df)) + 1). Each
 * kind is L2-normalised on its own and scaled by 1/√kinds, so a row has unit norm.
 */
export class TfidfNgrams {
  readonly wordNgrams: [number, number] | null;
  readonly charNgrams: [number, number] | null;
  readonly minDf: number;
  readonly maxFeatures: number;
  readonly sublinearTf: boolean;
  #index = new Map<string, number>();
  #terms: string[] = [];
  #idf = new Float32Array(0);

  constructor(options: TfidfNgramOptions = {}) {
    const range = (r: readonly [number, number] | null | undefined, dflt: [number, number], what: string) => {
      if (r === null) return null;
      const v: [number, number] = r ? [r[0], r[1]] : dflt;
      if (!(Number.isInteger(v[0]) && Number.isInteger(v[1]) && v[0] >= 1 && v[1] >= v[0] && v[1] <= 10))
        throw new UsageError(`${what} must be [min, max] with 1 ≤ min ≤ max ≤ 10, got [${v.join(', ')}]`);
      return v;
    };
    this.wordNgrams = range(options.wordNgrams, [1, 2], 'wordNgrams');
    this.charNgrams = range(options.charNgrams, [2, 5], 'charNgrams');
    if (!this.wordNgrams && !this.charNgrams) throw new UsageError('TF-IDF features need word or character n-grams');
    this.minDf = options.minDf ?? 2;
    this.maxFeatures = options.maxFeatures ?? 200_000;
    this.sublinearTf = options.sublinearTf ?? true;
  }

  get dimension(): number {
    return this.#terms.length;
  }

  /** The n-grams of one text with their counts, keyed 'w:…' / 'c:…'. */
  #grams(text: string): { words: Map<string, number>; chars: Map<string, number> } {
    const tokens = wordTokens(text);
    const words = new Map<string, number>();
    const chars = new Map<string, number>();
    if (this.wordNgrams) {
      const [lo, hi] = this.wordNgrams;
      for (let n = lo; n <= hi; n++)
        for (let i = 0; i + n <= tokens.length; i++) {
          const g = `w:${tokens.slice(i, i + n).join(' ')}`;
          words.set(g, (words.get(g) ?? 0) + 1);
        }
    }
    if (this.charNgrams) {
      const [lo, hi] = this.charNgrams;
      for (const t of tokens) {
        const w = [...` ${t} `];
        for (let n = lo; n <= hi; n++) {
          for (let i = 0; i + n <= w.length; i++) {
            const g = `c:${w.slice(i, i + n).join('')}`;
            chars.set(g, (chars.get(g) ?? 0) + 1);
          }
          if (n >= w.length) break;
        }
      }
    }
    return { words, chars };
  }

  /** Learns the n-gram vocabulary and IDF from `texts`. */
  fit(texts: readonly string[]): this {
    if (texts.length === 0) throw new UsageError('TF-IDF: no documents to fit');
    const df = new Map<string, number>();
    for (const t of texts) {
      const { words, chars } = this.#grams(t);
      for (const g of words.keys()) df.set(g, (df.get(g) ?? 0) + 1);
      for (const g of chars.keys()) df.set(g, (df.get(g) ?? 0) + 1);
    }
    const minDf = Math.min(this.minDf, texts.length);
    const keep = (prefix: string) =>
      [...df.entries()]
        .filter(([g, c]) => g.startsWith(prefix) && c >= minDf)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, this.maxFeatures);
    const chosen = [...keep('w:'), ...keep('c:')];
    const n = texts.length;
    this.#terms = chosen.map(([g]) => g);
    this.#idf = Float32Array.from(chosen, ([, c]) => Math.log((1 + n) / (1 + c)) + 1);
    this.#index = new Map(this.#terms.map((g, i) => [g, i]));
    if (this.#terms.length === 0) throw new UsageError(`TF-IDF: no n-gram occurs in ${minDf} or more documents`);
    return this;
  }

  /** TF-IDF rows of `texts` as CSR. */
  transform(texts: readonly string[]): { dim: number; indptr: Int32Array; indices: Int32Array; values: Float32Array } {
    if (this.#terms.length === 0) throw new UsageError('TF-IDF: call fit first');
    const kinds = (this.wordNgrams ? 1 : 0) + (this.charNgrams ? 1 : 0);
    const scale = 1 / Math.sqrt(kinds);
    const indptr = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (let r = 0; r < texts.length; r++) {
      const { words, chars } = this.#grams(texts[r]);
      for (const grams of [words, chars]) {
        const start = indices.length;
        let norm = 0;
        for (const [g, tf] of grams) {
          const j = this.#index.get(g);
          if (j === undefined) continue;
          const v = (this.sublinearTf ? 1 + Math.log(tf) : tf) * this.#idf[j];
          indices.push(j);
          values.push(v);
          norm += v * v;
        }
        const inv = norm > 0 ? scale / Math.sqrt(norm) : 0;
        for (let p = start; p < values.length; p++) values[p] *= inv;
      }
      indptr[r + 1] = indices.length;
    }
    return { dim: this.#terms.length, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) };
  }

  state(): TfidfNgramState {
    return {
      wordNgrams: this.wordNgrams,
      charNgrams: this.charNgrams,
      sublinearTf: this.sublinearTf,
      terms: this.#terms,
      idf: Array.from(this.#idf),
    };
  }

  /** Restores a fitted vectorizer from {@link state}; `file` names the model file in errors. */
  static fromState(s: TfidfNgramState, file: string): TfidfNgrams {
    const bad = (what: string) => new FileFormatError(file, `TF-IDF state: ${what}`);
    if (!Array.isArray(s.terms) || !Array.isArray(s.idf) || s.terms.length !== s.idf.length || s.terms.length === 0)
      throw bad('terms and idf must be non-empty lists of the same length');
    if (!s.terms.every((t) => typeof t === 'string' && (t.startsWith('w:') || t.startsWith('c:'))))
      throw bad('a term is not a w:/c: string');
    if (!s.idf.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) throw bad('an idf is not a positive number');
    const range = (r: unknown) => (r === null ? null : Array.isArray(r) && r.length === 2 ? (r as [number, number]) : undefined);
    const wordNgrams = range(s.wordNgrams);
    const charNgrams = range(s.charNgrams);
    if (wordNgrams === undefined || charNgrams === undefined) throw bad('n-gram ranges must be [min, max] or null');
    const t = new TfidfNgrams({ wordNgrams, charNgrams, sublinearTf: s.sublinearTf === true, minDf: 1 });
    t.#terms = s.terms;
    t.#idf = Float32Array.from(s.idf);
    t.#index = new Map(s.terms.map((g, i) => [g, i]));
    if (t.#index.size !== s.terms.length) throw bad('repeated terms');
    return t;
  }
}
