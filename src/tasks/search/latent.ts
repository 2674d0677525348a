import { FileFormatError, UsageError } from '../../errors.js';
import { Random } from '../../learn/random.js';
import { symmetricEigen } from '../../math/eigen.js';
import { lexicalTerms } from './lexical-tokens.js';

/** Hyper-parameters of {@link LatentSemanticModel} (latent semantic analysis of the chunks). */
export interface LatentOptions {
  /** Latent dimensions kept (at most the rank of the TF-IDF matrix). Default 128. */
  dim?: number;
  /** Terms must occur in at least this many fitted chunks. Default 2. */
  minDf?: number;
  /** At most this many terms (the most frequent by document frequency). Default 50,000. */
  maxTerms?: number;
  /** Fit on at most this many chunks (evenly spaced); the others are folded in. Default 20,000. */
  maxFitChunks?: number;
  /** Power iterations of the randomized SVD (Halko et al. 2011, alg. 4.4). Default 2. */
  powerIterations?: number;
  /** Seed of the random projection. Default 1. */
  seed?: number;
}

/** Checked {@link LatentOptions} with defaults. */
export function latentSettings(o: LatentOptions = {}): Required<LatentOptions> {
  const s = {
    dim: o.dim ?? 128,
    minDf: o.minDf ?? 2,
    maxTerms: o.maxTerms ?? 50_000,
    maxFitChunks: o.maxFitChunks ?? 20_000,
    powerIterations: o.powerIterations ?? 2,
    seed: o.seed ?? 1,
  };
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`latent ${name} must be an integer in ${min} .. ${max}, got ${v}`);
  };
  int('dim', s.dim, 1, 1024);
  int('minDf', s.minDf, 1, 1e9);
  int('maxTerms', s.maxTerms, 1, 1e7);
  int('maxFitChunks', s.maxFitChunks, 1, 1e8);
  int('powerIterations', s.powerIterations, 0, 20);
  int('seed', s.seed, -(2 ** 31), 2 ** 32);
  return s;
}

/** The saved form of a fitted {@link LatentSemanticModel}. */
export interface LatentState {
  dim: number;
  documents: number;
  terms: string[];
  idf: number[];
  /** terms × dim Float32 values (row-major), base64. */
  loadings: string;
}

/** Sparse sublinear TF-IDF row: term indices and weights, L2-normalised. */
interface SparseRow {
  terms: Int32Array;
  values: Float64Array;
}

/**
 * Latent semantic analysis (Deerwester et al. 1990) of a text collection, for the third side of
 * the hybrid search: the chunks' terms (same analysis as BM25) are weighted by sublinear TF-IDF,
 * rows L2-normalised, and the matrix is reduced by a truncated SVD A ≈ U Σ Vᵀ computed with a
 * randomized range finder and power iterations (Halko, Martinsson & Tropp 2011). A text maps to
 * x·V (its TF-IDF row projected on the right singular vectors, i.e. "folding in"), unit length,
 * so chunks and queries are compared by cosine. Words that never co-occur in a query and a
 * document can still meet through the latent topics, which BM25 cannot do.
 */
export class LatentSemanticModel {
  readonly dim: number;
  /** Chunks the model was fitted on. */
  readonly documents: number;
  private readonly termIndex: Map<string, number>;
  private readonly terms: string[];
  private readonly idf: Float64Array;
  /** terms × dim */
  private readonly loadings: Float32Array;

  private constructor(terms: string[], idf: Float64Array, loadings: Float32Array, dim: number, documents: number) {
    this.terms = terms;
    this.termIndex = new Map(terms.map((t, i) => [t, i]));
    this.idf = idf;
    this.loadings = loadings;
    this.dim = dim;
    this.documents = documents;
  }

  /** Number of terms in the model's vocabulary. */
  get vocabularySize(): number {
    return this.terms.length;
  }

  /** Fits the model on texts (e.g. all chunks of a collection). */
  static fit(texts: readonly string[], options: LatentOptions = {}): LatentSemanticModel {
    const o = latentSettings(options);
    // evenly spaced sample, so huge collections stay in bounded memory
    const count = Math.min(texts.length, o.maxFitChunks);
    const step = texts.length / Math.max(count, 1);
    const sample: string[][] = [];
    for (let s = 0; s < count; s++) sample.push(lexicalTerms(texts[Math.floor(s * step)]));
    const n = sample.length;
    const df = new Map<string, number>();
    for (const terms of sample) for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
    const kept = [...df.entries()]
      .filter(([, d]) => d >= o.minDf)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, o.maxTerms);
    kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const terms = kept.map(([t]) => t);
    // scikit-learn's smoothed IDF: ln((1 + n) / (1 + df)) + 1
    const idf = Float64Array.from(kept, ([, d]) => Math.log((1 + n) / (1 + d)) + 1);
    const empty = new LatentSemanticModel(terms, idf, new Float32Array(0), 0, n);
    const rows = sample.map((t) => empty.tfidf(t));
    const dim = Math.max(1, Math.min(o.dim, n, terms.length));
    const loadings = terms.length === 0 ? new Float32Array(0) : truncatedSvdLoadings(rows, terms.length, dim, o);
    return new LatentSemanticModel(terms, idf, loadings, terms.length === 0 ? 0 : dim, n);
  }

  private tfidf(tokens: readonly string[]): SparseRow {
    const tf = new Map<number, number>();
    for (const t of tokens) {
      const i = this.termIndex.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const idx = Int32Array.from(tf.keys()).sort();
    const values = Float64Array.from(idx, (i) => (1 + Math.log(tf.get(i)!)) * this.idf[i]);
    let norm = 0;
    for (const v of values) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let j = 0; j < values.length; j++) values[j] /= norm;
    return { terms: idx, values };
  }

  /**
   * The unit latent vector of `text` (all zeros when it has no known term or the model has no
   * dimension), written into `out` at `offset` when given.
   */
  embed(text: string, out?: Float32Array, offset = 0): Float32Array {
    const target = out ?? new Float32Array(Math.max(this.dim, 0));
    const row = this.tfidf(lexicalTerms(text));
    const d = this.dim;
    const acc = new Float64Array(d);
    for (let j = 0; j < row.terms.length; j++) {
      const base = row.terms[j] * d;
      const v = row.values[j];
      for (let c = 0; c < d; c++) acc[c] += v * this.loadings[base + c];
    }
    let norm = 0;
    for (let c = 0; c < d; c++) norm += acc[c] * acc[c];
    norm = Math.sqrt(norm);
    for (let c = 0; c < d; c++) target[offset + c] = norm > 0 ? acc[c] / norm : 0;
    return target;
  }

  toJSON(): LatentState {
    return {
      dim: this.dim,
      documents: this.documents,
      terms: this.terms,
      idf: [...this.idf],
      loadings: Buffer.from(this.loadings.buffer, this.loadings.byteOffset, this.loadings.byteLength).toString('base64'),
    };
  }

  /** Rebuilds a model from {@link toJSON}; `file` names the source in errors. */
  static fromJSON(s: LatentState, file: string): LatentSemanticModel {
    const bad = (what: string) => new FileFormatError(file, `latent model: ${what}`);
    if (s === null || typeof s !== 'object') throw bad('missing');
    if (!Number.isInteger(s.dim) || s.dim < 0 || s.dim > 1024) throw bad('bad dim');
    if (!Number.isSafeInteger(s.documents) || s.documents < 0) throw bad('bad documents');
    if (!Array.isArray(s.terms) || !s.terms.every((t) => typeof t === 'string')) throw bad('bad terms');
    if (!Array.isArray(s.idf) || s.idf.length !== s.terms.length || !s.idf.every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw bad('bad idf');
    if (typeof s.loadings !== 'string') throw bad('bad loadings');
    const bytes = Buffer.from(s.loadings, 'base64');
    if (bytes.length !== s.terms.length * s.dim * 4)
      throw bad(`loadings hold ${bytes.length} bytes, expected ${s.terms.length} terms × ${s.dim} × 4`);
    const loadings = new Float32Array(bytes.length / 4);
    new Uint8Array(loadings.buffer).set(bytes);
    if (!loadings.every(Number.isFinite)) throw bad('loadings hold NaN or Infinity');
    if (new Set(s.terms).size !== s.terms.length) throw bad('a term appears twice');
    return new LatentSemanticModel(s.terms, Float64Array.from(s.idf), loadings, s.dim, s.documents);
  }
}

/**
 * Orthonormalises the columns of the m × l row-major matrix `y` in place by Cholesky QR, done twice
 * for accuracy (CholeskyQR2, Fukaya et al. 2014): G = YᵀY = L Lᵀ, Y ← Y L⁻ᵀ. Row-wise passes
 * only, so it streams through memory. A column in the span of the previous ones (rank < l) becomes
 * zero.
 */
function orthonormalizeColumns(y: Float64Array, m: number, l: number): void {
  const g = new Float64Array(l * l);
  const chol = new Float64Array(l * l);
  const q = new Float64Array(l);
  for (let pass = 0; pass < 2; pass++) {
    g.fill(0);
    for (let i = 0; i < m; i++) {
      const row = i * l;
      for (let a = 0; a < l; a++) {
        const ya = y[row + a];
        if (ya === 0) continue;
        const ga = a * l;
        for (let b = a; b < l; b++) g[ga + b] += ya * y[row + b];
      }
    }
    let maxDiag = 0;
    for (let a = 0; a < l; a++) maxDiag = Math.max(maxDiag, g[a * l + a]);
    // lower Cholesky factor; a pivot below the tolerance marks a dependent column
    chol.fill(0);
    const dead = new Uint8Array(l);
    for (let a = 0; a < l; a++) {
      let d = g[a * l + a];
      for (let c = 0; c < a; c++) d -= chol[a * l + c] * chol[a * l + c];
      if (!(d > 1e-13 * maxDiag)) {
        dead[a] = 1;
        continue;
      }
      const pivot = Math.sqrt(d);
      chol[a * l + a] = pivot;
      for (let b = a + 1; b < l; b++) {
        let v = g[a * l + b];
        for (let c = 0; c < a; c++) v -= chol[b * l + c] * chol[a * l + c];
        chol[b * l + a] = v / pivot;
      }
    }
    for (let i = 0; i < m; i++) {
      const row = i * l;
      for (let a = 0; a < l; a++) {
        if (dead[a]) {
          q[a] = 0;
          continue;
        }
        let v = y[row + a];
        for (let c = 0; c < a; c++) v -= chol[a * l + c] * q[c];
        q[a] = v / chol[a * l + a];
      }
      for (let a = 0; a < l; a++) y[row + a] = q[a];
    }
  }
}

/** Y (m × l) = A Z for sparse A (m × V) and dense Z (V × l). */
function sparseTimesDense(rows: readonly SparseRow[], z: Float64Array, l: number): Float64Array {
  const y = new Float64Array(rows.length * l);
  rows.forEach((r, i) => {
    for (let j = 0; j < r.terms.length; j++) {
      const base = r.terms[j] * l;
      const v = r.values[j];
      for (let c = 0; c < l; c++) y[i * l + c] += v * z[base + c];
    }
  });
  return y;
}

/** Z (V × l) = Aᵀ Y for sparse A (m × V) and dense Y (m × l). */
function sparseTransposeTimesDense(rows: readonly SparseRow[], y: Float64Array, vocab: number, l: number): Float64Array {
  const z = new Float64Array(vocab * l);
  rows.forEach((r, i) => {
    for (let j = 0; j < r.terms.length; j++) {
      const base = r.terms[j] * l;
      const v = r.values[j];
      for (let c = 0; c < l; c++) z[base + c] += v * y[i * l + c];
    }
  });
  return z;
}

/**
 * The top-`dim` right singular vectors of the sparse matrix (V × dim, row-major Float32) by a
 * randomized SVD: Q = orth((A Aᵀ)^q A Ω), B = Qᵀ A, eigen-decomposition of B Bᵀ = U_B Σ² U_Bᵀ,
 * V = Bᵀ U_B Σ⁻¹. Signs are fixed so each vector's largest entry is positive (repeatable output).
 */
function truncatedSvdLoadings(rows: readonly SparseRow[], vocab: number, dim: number, o: Required<LatentOptions>): Float32Array {
  const m = rows.length;
  const l = Math.min(dim + 10, m, vocab);
  const rng = new Random(o.seed);
  const omega = new Float64Array(vocab * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.gaussian();
  let y = sparseTimesDense(rows, omega, l);
  orthonormalizeColumns(y, m, l);
  for (let q = 0; q < o.powerIterations; q++) {
    const z = sparseTransposeTimesDense(rows, y, vocab, l);
    orthonormalizeColumns(z, vocab, l);
    y = sparseTimesDense(rows, z, l);
    orthonormalizeColumns(y, m, l);
  }
  // Bᵀ = Aᵀ Q (V × l); C = B Bᵀ (l × l)
  const bt = sparseTransposeTimesDense(rows, y, vocab, l);
  const c = new Float64Array(l * l);
  for (let t = 0; t < vocab; t++) {
    const base = t * l;
    for (let a = 0; a < l; a++) {
      const va = bt[base + a];
      if (va === 0) continue;
      for (let b = a; b < l; b++) c[a * l + b] += va * bt[base + b];
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) c[a * l + b] = c[b * l + a];
  const { values, vectors } = symmetricEigen(c, l);
  const out = new Float32Array(vocab * dim);
  // directions with (numerically) zero singular value carry no signal: left at zero, not amplified noise
  const floor = 1e-6 * Math.sqrt(Math.max(values[0], 0));
  for (let k = 0; k < dim; k++) {
    const sigma = Math.sqrt(Math.max(values[k], 0));
    const col = new Float64Array(vocab);
    if (sigma > floor && sigma > 0)
      for (let t = 0; t < vocab; t++) {
        let s = 0;
        for (let a = 0; a < l; a++) s += bt[t * l + a] * vectors[k * l + a];
        col[t] = s / sigma;
      }
    let big = 0;
    for (let t = 0; t < vocab; t++) if (Math.abs(col[t]) > Math.abs(big)) big = col[t];
    const sign = big < 0 ? -1 : 1;
    for (let t = 0; t < vocab; t++) out[t * dim + k] = sign * col[t];
  }
  return out;
}
