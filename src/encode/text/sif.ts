import { EmbedkitError, FileFormatError, UsageError } from '../../errors.js';
import type { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { WordPoolingEncoder, type TokenAnalysis, type WordPoolingOptions } from './word-pooling.js';

/**
 * Where SIF takes the word probabilities p(w) from:
 * - `'counts'`: the counts stored with the vectors (`KeyedVectors.counts`), p = count / Σ counts;
 * - `'zipf'`: Zipf's law on the row order (vectors sorted by frequency, most frequent first):
 *   p(rank r) = 1 / (r · H_N), r = 1 … N, H_N the N-th harmonic number;
 * - `'corpus'`: token frequencies of the corpus given to `fit` (p = count / all tokens; a word
 *   that never occurs gets p = 0, weight 1);
 * - `'auto'` (default): `'counts'` when the vectors have counts, else `'zipf'`.
 */
export type SifFrequencies = 'auto' | 'counts' | 'zipf' | 'corpus';

/** Options of {@link SifEncoder}. */
export interface SifOptions extends WordPoolingOptions {
  /** The smoothing parameter a of the weights a / (a + p(w)). Default 1e-3 (the paper's range 1e-4 … 1e-3). */
  a?: number;
  /** Number of principal components removed (fitted by `fit`). Default 1, as in the paper; 0 = weights only. */
  components?: number;
  /** Source of p(w). Default `'auto'`. */
  frequencies?: SifFrequencies;
  /**
   * A fit on fewer texts than this estimates the components from the vocabulary instead (see
   * `MIN_SIF_FIT_TEXTS`; not with `frequencies: 'corpus'`). Default 32; 1 = always from the texts.
   */
  minFitTexts?: number;
}

/**
 * Below this fraction of its norm before the removal of the components, what is left of a text's
 * weighted mean is float rounding noise, not a vector (per-item error instead of a unit row).
 */
const RESIDUAL_FLOOR = 1e-4;

/**
 * Default of `minFitTexts`: fewer texts (with word probabilities known without fitting) give a degenerate
 * principal component (one text: the text itself; two: their common direction); the components
 * are then estimated from the vocabulary instead (see vocabularyComponents).
 */
export const MIN_SIF_FIT_TEXTS = 32;
/** Most frequent words used by the vocabulary estimate of the components. */
const VOCABULARY_ESTIMATE_WORDS = 50_000;

/** Result of {@link powerIterationComponents}. */
export interface PowerIterationResult {
  /** `k × dim` unit vectors, row-major. */
  components: Float64Array;
  /** Iterations each component took. */
  iterations: number[];
}

/**
 * The first `k` right singular vectors of the `rows × dim` matrix `x` (no centering, like
 * TruncatedSVD in the SIF reference code), by power iteration on xᵀx with deflation. The start
 * vector is fixed, so results are deterministic; each vector's largest entry is made positive.
 */
export function powerIterationComponents(
  x: Float32Array | Float64Array,
  dim: number,
  k: number,
  maxIterations = 10000,
  tolerance = 1e-12,
): PowerIterationResult {
  const rows = x.length / dim;
  const c = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    const b = r * dim;
    for (let i = 0; i < dim; i++) {
      const xi = x[b + i];
      if (xi === 0) continue;
      for (let j = i; j < dim; j++) c[i * dim + j] += xi * x[b + j];
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) c[i * dim + j] = c[j * dim + i];
  const components = new Float64Array(k * dim);
  const iterations: number[] = [];
  const v = new Float64Array(dim);
  const w = new Float64Array(dim);
  const orthogonalize = (u: Float64Array, upto: number): void => {
    for (let p = 0; p < upto; p++) {
      let proj = 0;
      for (let i = 0; i < dim; i++) proj += u[i] * components[p * dim + i];
      for (let i = 0; i < dim; i++) u[i] -= proj * components[p * dim + i];
    }
  };
  const normalize = (u: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < dim; i++) s += u[i] * u[i];
    const n = Math.sqrt(s);
    if (n > 0) for (let i = 0; i < dim; i++) u[i] /= n;
    return n;
  };
  for (let p = 0; p < k; p++) {
    // Fixed, non-symmetric start vector (all-equal entries could be orthogonal to the answer).
    for (let i = 0; i < dim; i++) v[i] = 1 + ((i * 0.618034) % 1);
    orthogonalize(v, p);
    normalize(v);
    let it = 0;
    for (; it < maxIterations; it++) {
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += c[i * dim + j] * v[j];
        w[i] = s;
      }
      orthogonalize(w, p);
      if (normalize(w) === 0) break; // rank exhausted: no further direction
      let delta = 0;
      for (let i = 0; i < dim; i++) delta += (w[i] - v[i]) ** 2;
      v.set(w);
      if (delta < tolerance) break;
    }
    let big = 0;
    for (let i = 0; i < dim; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
    if (v[big] < 0) for (let i = 0; i < dim; i++) v[i] = -v[i];
    components.set(v, p * dim);
    iterations.push(it + 1);
  }
  return { components, iterations };
}

/**
 * SIF sentence embeddings (Arora, Liang & Ma 2017, "A Simple but Tough-to-Beat Baseline for
 * Sentence Embeddings"): the average of a / (a + p(w)) · v(w) over a text's known tokens, minus
 * its projection on the first principal component(s) of such averages over a corpus.
 * `fit(sentences)` computes the components (and, with `frequencies: 'corpus'`, p(w)); every later
 * `embed` removes them. With `components: 0` and Zipf or count frequencies there is nothing to fit;
 * otherwise `embed` needs `fit`, a loaded state, or `autoFit` (fits on the first `embed` call's
 * inputs, as the paper does on its test sentences).
 */
export class SifEncoder extends WordPoolingEncoder {
  readonly method = 'sif' as const;
  readonly a: number;
  readonly components: number;
  readonly frequencies: Exclude<SifFrequencies, 'auto'>;
  /** Weight a / (a + p(w)) per vocabulary row (undefined for 'corpus' before fit). */
  #weights: Float64Array | undefined;
  /** `k × dim` fitted components. */
  #pcs: Float64Array | undefined;
  #fittedOn = 0;
  #corpus: { total: number; counts: Map<number, number> } | undefined;
  readonly minFitTexts: number;

  constructor(vectors: KeyedVectors, options: SifOptions = {}) {
    super(vectors, options, 'sif');
    const a = options.a ?? 1e-3;
    if (!(typeof a === 'number' && Number.isFinite(a) && a > 0))
      throw new UsageError(`a must be a positive number, got ${String(options.a)}`);
    const k = options.components ?? 1;
    if (!Number.isSafeInteger(k) || k < 0 || k > vectors.dim)
      throw new UsageError(`components must be an integer 0 … ${vectors.dim}, got ${String(options.components)}`);
    const f = options.frequencies ?? 'auto';
    if (!['auto', 'counts', 'zipf', 'corpus'].includes(f))
      throw new UsageError(`frequencies must be 'auto', 'counts', 'zipf' or 'corpus', got ${JSON.stringify(f)}`);
    if (f === 'counts' && !vectors.counts)
      throw new UsageError("frequencies 'counts': these word vectors have no counts (use 'zipf' or 'corpus')");
    const minFit = options.minFitTexts ?? MIN_SIF_FIT_TEXTS;
    if (!Number.isSafeInteger(minFit) || minFit < 1)
      throw new UsageError(`minFitTexts must be a positive integer, got ${String(options.minFitTexts)}`);
    this.minFitTexts = minFit;
    this.a = a;
    this.components = k;
    this.frequencies = f === 'auto' ? (vectors.counts ? 'counts' : 'zipf') : f;
    if (this.frequencies === 'counts') this.#weights = countWeights(vectors.counts!, a);
    else if (this.frequencies === 'zipf') this.#weights = zipfWeights(vectors.size, a);
  }

  override get fitted(): boolean {
    return this.#weights !== undefined && (this.components === 0 || this.#pcs !== undefined);
  }

  /** Sentences the components were fitted on (0 before fit). */
  get fittedOn(): number {
    return this.#fittedOn;
  }

  /** The fitted components, `components × dim` row-major (a copy), or undefined before fit. */
  get principalComponents(): Float64Array | undefined {
    return this.#pcs?.slice();
  }

  /** The weight a / (a + p(w)) of `word`, or undefined if unknown or not yet available. */
  weightOf(word: string): number | undefined {
    const r = this.vectors.indexOf(word);
    return r < 0 || !this.#weights ? undefined : this.#weights[r];
  }

  /**
   * Fits on analysed sentences (see `fit(sentences)`, one text per item): word probabilities
   * first (with `frequencies: 'corpus'`), then the principal components of the weighted averages
   * of the sentences that have known words.
   */
  protected override fitAnalyses(analyses: readonly TokenAnalysis[]): this {
    if (this.frequencies === 'corpus') {
      const counts = new Map<number, number>();
      let total = 0;
      for (const a of analyses) {
        total += a.tokens;
        for (const r of a.rows) counts.set(r, (counts.get(r) ?? 0) + 1);
      }
      if (total === 0) throw new UsageError('fit: the corpus has no tokens');
      this.#corpus = { total, counts };
      this.#weights = corpusWeights(this.vectors.size, counts, total, this.a);
    }
    const usable = analyses.filter((a) => a.rows.length > 0);
    if (usable.length === 0) throw new UsageError('fit: no sentence has a known word');
    if (this.components > 0 && usable.length < this.minFitTexts && this.frequencies !== 'corpus') {
      this.#pcs = this.#vocabularyComponents();
    } else if (this.components > 0) {
      const dim = this.dimension;
      const x = new Float64Array(usable.length * dim);
      const row = new Float32Array(dim);
      usable.forEach((a, i) => {
        row.fill(0);
        this.#weightedMean(a.rows, row);
        x.set(row, i * dim);
      });
      this.#pcs = powerIterationComponents(x, dim, this.components).components;
    }
    this.#fittedOn = usable.length;
    return this;
  }

  /**
   * The common components estimated from the vocabulary instead of a set of texts. A SIF text
   * vector is the mean of w(t)·v(t) over its tokens; with tokens drawn from the unigram
   * distribution p, its expectation is m = Σ_w p(w)·w(w)·v_w, and for texts of a few words or
   * more the first right singular vector of uncentred text vectors (what `fit` computes) points
   * along m. So the first component is m / |m| over the most frequent words; further ones are
   * the principal axes of the p-weighted rows w(w)·v_w, orthogonal to it.
   */
  #vocabularyComponents(): Float64Array {
    const dim = this.dimension;
    const weights = this.#weights!;
    const m = this.matrix;
    const n = this.vectors.size;
    const order = Array.from({ length: n }, (_, r) => r).sort((x, y) => weights[x] - weights[y]); // most frequent first
    const top = order.slice(0, Math.min(n, VOCABULARY_ESTIMATE_WORDS));
    const mean = new Float64Array(dim);
    const x = new Float64Array(this.components > 1 ? top.length * dim : 0);
    top.forEach((r, i) => {
      const w = weights[r];
      const p = this.a * (1 / w - 1); // inverts w = a / (a + p)
      for (let d = 0; d < dim; d++) {
        const v = w * m[r * dim + d];
        mean[d] += p * v;
        if (x.length) x[i * dim + d] = Math.sqrt(p) * v;
      }
    });
    const pcs = new Float64Array(this.components * dim);
    const norm = Math.hypot(...mean) || 1;
    for (let d = 0; d < dim; d++) pcs[d] = mean[d] / norm;
    if (this.components > 1) {
      // project the first direction out of the rows, then take the principal axes of the rest
      for (let i = 0; i < top.length; i++) {
        let proj = 0;
        for (let d = 0; d < dim; d++) proj += x[i * dim + d] * pcs[d];
        for (let d = 0; d < dim; d++) x[i * dim + d] -= proj * pcs[d];
      }
      pcs.set(powerIterationComponents(x, dim, this.components - 1).components, dim);
    }
    return pcs;
  }

  #weightedMean(rows: Int32Array, out: Float32Array): void {
    const m = this.matrix;
    const dim = this.dimension;
    const weights = this.#weights!;
    const acc = new Float64Array(dim);
    for (const r of rows) {
      const w = weights[r];
      for (let d = 0, b = r * dim; d < dim; d++) acc[d] += w * m[b + d];
    }
    for (let d = 0; d < dim; d++) out[d] = acc[d] / rows.length;
  }

  protected pool(rows: Int32Array, out: Float32Array): void {
    if (!this.#weights) throw new UsageError("SIF with frequencies 'corpus' must be fitted before embedding");
    this.#weightedMean(rows, out);
    const pcs = this.#pcs;
    if (!pcs) return;
    const dim = this.dimension;
    let before = 0;
    for (let d = 0; d < dim; d++) before += out[d] * out[d];
    for (let p = 0; p < pcs.length / dim; p++) {
      let proj = 0;
      for (let d = 0; d < dim; d++) proj += out[d] * pcs[p * dim + d];
      for (let d = 0; d < dim; d++) out[d] -= proj * pcs[p * dim + d];
    }
    let after = 0;
    for (let d = 0; d < dim; d++) after += out[d] * out[d];
    // A text lying in the span of the removed components (e.g. the only sentence SIF was fitted
    // on) leaves float rounding noise, which normalisation would turn into a meaningless unit row.
    if (!(after > RESIDUAL_FLOOR * RESIDUAL_FLOOR * before)) {
      throw new EmbedkitError(
        `nothing left after removing the common component (the text lies along the ${this.components > 1 ? `${this.components} components` : 'component'} SIF was fitted on ` +
          `${this.#fittedOn} sentence${this.#fittedOn === 1 ? '' : 's'}; fit on a larger corpus: option 'corpus', or use components: 0)`,
      );
    }
  }

  params(): Record<string, unknown> {
    return {
      preNormalize: this.preNormalize,
      a: this.a,
      components: this.components,
      frequencies: this.frequencies,
      minFitTexts: this.minFitTexts,
    };
  }

  protected override stateJson(): Record<string, unknown> | null {
    if (this.#fittedOn === 0) return null;
    const state: Record<string, unknown> = { fittedOn: this.#fittedOn, components: this.#pcs ? Array.from(this.#pcs) : [] };
    if (this.#corpus) {
      const counts: Record<string, number> = {};
      for (const [r, c] of this.#corpus.counts) counts[this.vectors.wordAt(r)] = c;
      state.corpus = { total: this.#corpus.total, counts };
    }
    return state;
  }

  protected override restoreState(state: Record<string, unknown> | null, file: string): void {
    if (state === null) {
      this.#pcs = undefined;
      this.#fittedOn = 0;
      return;
    }
    const { fittedOn, components, corpus } = state as { fittedOn: unknown; components: unknown; corpus?: unknown };
    if (!Number.isSafeInteger(fittedOn) || (fittedOn as number) < 1) throw new FileFormatError(file, 'sif state: bad fittedOn');
    const dim = this.dimension;
    if (
      !Array.isArray(components) ||
      components.length !== this.components * dim ||
      !components.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new FileFormatError(file, `sif state: expected ${this.components} components of ${dim} numbers`);
    }
    if (this.frequencies === 'corpus') {
      const c = corpus as { total?: unknown; counts?: unknown } | undefined;
      if (!c || typeof c.total !== 'number' || !(c.total > 0) || c.counts === null || typeof c.counts !== 'object')
        throw new FileFormatError(file, 'sif state: missing corpus frequencies');
      const counts = new Map<number, number>();
      for (const [w, n] of Object.entries(c.counts as Record<string, unknown>)) {
        if (typeof n !== 'number' || !(n > 0)) throw new FileFormatError(file, `sif state: bad count of '${w}'`);
        const r = this.vectors.indexOf(w);
        if (r >= 0) counts.set(r, n);
      }
      this.#corpus = { total: c.total, counts };
      this.#weights = corpusWeights(this.vectors.size, counts, c.total, this.a);
    }
    this.#pcs = components.length > 0 ? Float64Array.from(components as number[]) : undefined;
    this.#fittedOn = fittedOn as number;
  }
}

function countWeights(counts: Float64Array, a: number): Float64Array {
  let total = 0;
  for (const c of counts) total += c > 0 ? c : 0;
  const w = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) w[i] = a / (a + (total > 0 && counts[i] > 0 ? counts[i] / total : 0));
  return w;
}

/** SIF weights from Zipf's law on the rank (row order = frequency order). */
export function zipfWeights(size: number, a: number): Float64Array {
  let harmonic = 0;
  for (let r = size; r >= 1; r--) harmonic += 1 / r;
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) w[i] = a / (a + 1 / ((i + 1) * harmonic));
  return w;
}

function corpusWeights(size: number, counts: Map<number, number>, total: number, a: number): Float64Array {
  const w = new Float64Array(size).fill(1);
  for (const [r, c] of counts) w[r] = a / (a + c / total);
  return w;
}
