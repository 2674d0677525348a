import { EmbedkitError, UsageError } from '../errors.js';
import { dot, matVec } from '../math/dense.js';
import { normalizeRows, rowNorms, unitVector } from '../math/normalize.js';
import { TopK } from '../math/topk.js';
import { createIndex, type FlatIndex, type HnswIndex, type HnswOptions, type IndexOptions, type VectorIndex } from '../ann/index.js';
import { PackedWords } from '../io/word-vectors/packed-words.js';
import { WordIndex } from './word-index.js';

/** Thrown when a word is not in the vocabulary. */
export class KeyError extends EmbedkitError {
  constructor(readonly word: string) {
    super(`word '${word}' not in vocabulary`, 'EMBEDKIT_KEY');
  }
}

/** A word of the vocabulary, or a raw vector of `dim` numbers. */
export type WordOrVector = string | Float32Array | readonly number[];

/** One word or vector, or a list of them (a lone `number[]` is one vector). */
export type Terms = WordOrVector | readonly WordOrVector[];

/** One search result: a word and its score (cosine similarity, or the 3CosMul objective). */
export interface Neighbor {
  readonly word: string;
  readonly score: number;
}

/** Options shared by the nearest-neighbour searches. */
export interface SearchOptions {
  /** How many results to return (default 10); 0 gives an empty list. */
  topn?: number;
  /** Search only the first `restrictVocab` rows (the most frequent words when sorted). Default: all. */
  restrictVocab?: number;
  /** Further words never to return (besides the input words). Unknown words are ignored. */
  exclude?: Iterable<string>;
}

/** Results a nearest-neighbour query returns when not given `topn`. */
export const DEFAULT_TOPN = 10;

/** Arguments of {@link KeyedVectors.mostSimilar} and {@link KeyedVectors.mostSimilarCosmul}. */
export interface MostSimilarOptions extends SearchOptions {
  /** Words or vectors that pull towards the result. */
  positive?: Terms;
  /** Words or vectors that push away from the result. */
  negative?: Terms;
}

/** Options of {@link KeyedVectors.meanVector} (gensim's `get_mean_vector`). */
export interface MeanVectorOptions {
  /** One weight per key (default all 1). The sum is divided by the sum of |weights| of the keys used. */
  weights?: ArrayLike<number>;
  /** Use each word's unit vector instead of its raw vector (default true). Given vectors are used as they are. */
  preNormalize?: boolean;
  /** Unit-normalise the result (default false). */
  postNormalize?: boolean;
  /** Skip unknown words instead of throwing KeyError (default true, like gensim). */
  ignoreMissing?: boolean;
}

/** Argument of {@link KeyedVectors.rankByCentrality}. */
export interface CentralityOptions {
  /** Use unit vectors (default true). */
  useNorm?: boolean;
}

/** Options of {@link KeyedVectors.buildIndex}: an HNSW index (default) or an exact one, with that type's options. */
export type BuildIndexOptions =
  ({ type?: 'hnsw' } & Partial<Omit<HnswOptions, 'metric' | 'dim'>>) | ({ type: 'flat' } & Partial<Omit<IndexOptions, 'metric' | 'dim'>>);

/** What a {@link KeyedVectors} is built from. */
export interface KeyedVectorsInit {
  /**
   * Words in row order (usually most frequent first). Must be unique. Either strings (kept by
   * reference, not copied) or {@link PackedWords} (UTF-8 bytes, decoded only when read; what the
   * ekv reader gives, to keep large vocabularies small).
   */
  words: readonly string[] | PackedWords;
  /** `words.length × dim` row-major float32 matrix. Not copied. */
  vectors: Float32Array;
  dim: number;
  /** Optional corpus frequency of each word (training counts), in row order. */
  counts?: Float64Array;
}

/**
 * Word vectors, kept apart from any training state (like gensim's KeyedVectors): a vocabulary and
 * one row-major Float32Array. Cheap to load, safe to share.
 */
export class KeyedVectors {
  /** Dimensionality of every vector. */
  readonly dim: number;
  /** `size × dim` row-major vectors (shared, not copied). */
  readonly vectors: Float32Array;
  /** Corpus frequency of each word in row order, when known. */
  readonly counts: Float64Array | undefined;
  /** Word → row. */
  protected readonly wordIndex: WordIndex;
  /** The words as strings: given, or decoded from {@link packedWords} on first use of {@link words}. */
  private wordList: readonly string[] | undefined;
  private readonly packedWords: PackedWords | undefined;
  private readonly rows: number;
  private ann: VectorIndex | undefined;
  private unitCache: Float32Array | undefined;
  private normCache: Float32Array | undefined;
  private zeroRowCache: Int32Array | undefined;

  constructor(init: KeyedVectorsInit) {
    const { words, vectors, dim } = init;
    if (!Number.isInteger(dim) || dim <= 0) throw new UsageError(`dim must be a positive integer, got ${dim}`);
    if (vectors.length !== words.length * dim) {
      throw new UsageError(`vectors has ${vectors.length} floats, expected words.length × dim = ${words.length} × ${dim}`);
    }
    if (init.counts && init.counts.length !== words.length) {
      throw new UsageError(`counts has ${init.counts.length} entries for ${words.length} words`);
    }
    this.dim = dim;
    this.vectors = vectors;
    this.counts = init.counts;
    this.rows = words.length;
    if (words instanceof PackedWords) {
      this.packedWords = words;
      this.wordIndex = WordIndex.ofPacked(words);
    } else {
      this.wordList = words;
      this.wordIndex = WordIndex.ofStrings(words);
    }
  }

  /** Words in row order (for packed words, decoded on first use and kept). */
  get words(): readonly string[] {
    return (this.wordList ??= this.packedWords!.toArray());
  }

  /** Number of words (rows). */
  get size(): number {
    return this.rows;
  }

  /** The word of row `i` (without decoding the whole vocabulary). */
  wordAt(i: number): string {
    if (!(Number.isInteger(i) && i >= 0 && i < this.rows)) throw new UsageError(`row ${i} out of range 0..${this.rows - 1}`);
    return this.wordList ? this.wordList[i] : this.packedWords!.at(i);
  }

  /** Row index of `word`, or -1. */
  indexOf(word: string): number {
    return this.wordIndex.get(word);
  }

  /** Whether `word` is in the vocabulary. */
  has(word: string): boolean {
    return this.wordIndex.get(word) >= 0;
  }

  /** The vector of `word` as a view into `vectors` (no copy). Throws KeyError if absent. */
  get(word: string): Float32Array {
    return this.vectorAt(this.rowOf(word));
  }

  /** The vector of row `i` as a view (no copy). */
  vectorAt(i: number): Float32Array {
    if (!(i >= 0 && i < this.rows)) throw new UsageError(`row ${i} out of range 0..${this.rows - 1}`);
    return this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  // ---- norms ---------------------------------------------------------------------------------

  /** L2 norm of every row, computed on first use and cached (see {@link KeyedVectors.resetNorms}). */
  get norms(): Float32Array {
    if (!this.normCache) this.fillNorms();
    return this.normCache!;
  }

  /**
   * A unit-normalised copy of `vectors` (same shape), computed on first use and cached. Rows that
   * are all zeros stay zero.
   */
  normed(): Float32Array {
    if (!this.unitCache) this.fillNorms();
    return this.unitCache!;
  }

  /** The unit vector of `word`, as a view into {@link KeyedVectors.normed} (no copy). Throws KeyError if absent. */
  unitVector(word: string): Float32Array {
    const i = this.rowOf(word);
    return this.normed().subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Forgets the cached norms and unit vectors; call after changing `vectors` in place. */
  resetNorms(): void {
    this.unitCache = undefined;
    this.normCache = undefined;
    this.zeroRowCache = undefined;
  }

  private fillNorms(): void {
    const norms = rowNorms(this.vectors, this.dim);
    this.unitCache = normalizeRows(this.vectors, this.dim, norms);
    this.normCache = Float32Array.from(norms);
    const zeros: number[] = [];
    for (let i = 0; i < norms.length; i++) if (!(norms[i] > 0)) zeros.push(i);
    this.zeroRowCache = Int32Array.from(zeros);
  }

  private zeroRows(): Int32Array {
    if (!this.zeroRowCache) this.fillNorms();
    return this.zeroRowCache!;
  }

  // ---- nearest neighbours --------------------------------------------------------------------

  /**
   * The `topn` words closest to the mean of the positive terms minus the negative terms
   * (3CosAdd; gensim's `most_similar`). Each word contributes its unit vector with weight +1
   * (positive) or -1 (negative), a given vector contributes as it is; the weighted sum is divided by
   * the number of terms, unit-normalised, and compared by cosine with every word of the (first
   * `restrictVocab` rows of the) vocabulary. Input words are never returned, nor are words whose
   * vector is all zeros (their cosine is undefined). Results are sorted by descending score.
   *
   * Call as `mostSimilar({ positive, negative, topn, restrictVocab, exclude })`, as
   * `mostSimilar(positive, { negative, topn, … })`, e.g. `mostSimilar('cat', { topn: 3 })`, or as
   * gensim's positional form `mostSimilar(positive, negative?, options?)`, e.g.
   * `mostSimilar(['king', 'woman'], ['man'])`.
   *
   * @throws KeyError for an unknown word; UsageError for no terms at all or a vector of the wrong size.
   */
  mostSimilar(query: MostSimilarOptions): Neighbor[];
  mostSimilar(positive: Terms, options?: Omit<MostSimilarOptions, 'positive'>): Neighbor[];
  mostSimilar(positive: Terms, negative?: Terms, options?: SearchOptions): Neighbor[];
  mostSimilar(
    first: MostSimilarOptions | Terms,
    second?: Terms | Omit<MostSimilarOptions, 'positive'>,
    options?: SearchOptions,
  ): Neighbor[] {
    const opts = asOptions(first, second, options);
    const topn = checkTopn(opts.topn);
    const end = this.clipEnd(opts.restrictVocab);
    const pos = this.toTerms(opts.positive);
    const neg = this.toTerms(opts.negative);
    if (pos.length + neg.length === 0) throw new UsageError('mostSimilar needs at least one positive or negative word or vector');
    const weights = [...pos.map(() => 1), ...neg.map(() => -1)];
    const query = this.meanVector([...pos, ...neg], { weights, preNormalize: true, postNormalize: true, ignoreMissing: false });
    const excluded = this.excluded([...pos, ...neg], opts.exclude);
    if (this.ann && end === this.size) return this.annSearch(query, topn, excluded);
    const scores = new Float32Array(end);
    matVec(this.normed(), this.dim, 0, end, query, scores);
    return this.best(scores, topn, excluded);
  }

  /** The index searches use, if one is attached (see {@link attachIndex}). */
  get index(): VectorIndex | undefined {
    return this.ann;
  }

  /**
   * Builds an index (cosine) over the vectors, on worker threads, and attaches it (see
   * {@link attachIndex}). By default an HNSW index (approximate, milliseconds on millions of words;
   * default quantize 'int8'); `type: 'flat'` builds the exact one. Options as for that index type.
   */
  async buildIndex(options?: { type?: 'hnsw' } & Partial<Omit<HnswOptions, 'metric' | 'dim'>>): Promise<HnswIndex>;
  async buildIndex(options: { type: 'flat' } & Partial<Omit<IndexOptions, 'metric' | 'dim'>>): Promise<FlatIndex>;
  async buildIndex(options: BuildIndexOptions = {}): Promise<VectorIndex> {
    const base = { quantize: 'int8' as const, ...options, metric: 'cosine' as const, dim: this.dim, capacity: this.size };
    const index = base.type === 'flat' ? createIndex({ ...base, type: 'flat' }) : createIndex({ ...base, type: 'hnsw' });
    await index.add(
      Array.from({ length: this.size }, (_, i) => i),
      { data: this.vectors, rows: this.size, dim: this.dim },
    );
    this.attachIndex(index);
    return index;
  }

  /**
   * Attaches an index built (or loaded) for these vectors, any {@link VectorIndex} (gensim's
   * `indexer`): cosine metric, same dimension, ids = row numbers 0..size-1. From then on
   * `mostSimilar`, `similarByWord` and `similarByVector` over the whole vocabulary ask the index
   * (an HNSW index searches its graph instead of scanning every row); searches with
   * `restrictVocab` still scan exactly. Pass undefined to detach.
   */
  attachIndex(index: VectorIndex | undefined): void {
    if (index !== undefined) {
      if (index.metric !== 'cosine' || index.dim !== this.dim)
        throw new UsageError(`the index must use the cosine metric and dimension ${this.dim} (got ${index.metric}, ${index.dim})`);
      if (index.size !== this.size || !index.has(0) || !index.has(this.size - 1)) {
        throw new UsageError(
          `the index must hold the ${this.size} rows of these vectors under ids 0..${this.size - 1} (it holds ${index.size})`,
        );
      }
    }
    this.ann = index;
  }

  private annSearch(query: Float32Array, topn: number, excluded: readonly number[]): Neighbor[] {
    const index = this.ann!;
    const skip = new Set<number>([...excluded, ...this.zeroRows()]);
    const want = topn + skip.size;
    // (an HNSW index searches with ef = max(want, its efSearch))
    const hits = index.search(query, want, { withMetadata: false });
    const out: Neighbor[] = [];
    for (const h of hits) {
      const row = h.id as number;
      if (skip.has(row)) continue;
      out.push({ word: this.wordAt(row), score: 1 - h.distance });
      if (out.length === topn) break;
    }
    return out;
  }

  /**
   * The `topn` words maximising the multiplicative objective 3CosMul (Levy & Goldberg 2014;
   * gensim's `most_similar_cosmul`): the product over positive terms of (1 + cos) / 2, divided by
   * the product over negative terms of (1 + cos) / 2 plus 1e-6. Words use their unit vectors;
   * given vectors are used as they are (pass unit vectors for true cosines), as in gensim. Unlike
   * gensim 4.2, `restrictVocab` is honoured.
   *
   * Called like {@link mostSimilar}.
   *
   * @throws KeyError for an unknown word; UsageError when there is no positive term.
   */
  mostSimilarCosmul(query: MostSimilarOptions): Neighbor[];
  mostSimilarCosmul(positive: Terms, options?: Omit<MostSimilarOptions, 'positive'>): Neighbor[];
  mostSimilarCosmul(positive: Terms, negative?: Terms, options?: SearchOptions): Neighbor[];
  mostSimilarCosmul(
    first: MostSimilarOptions | Terms,
    second?: Terms | Omit<MostSimilarOptions, 'positive'>,
    options?: SearchOptions,
  ): Neighbor[] {
    const opts = asOptions(first, second, options);
    const topn = checkTopn(opts.topn);
    const end = this.clipEnd(opts.restrictVocab);
    const pos = this.toTerms(opts.positive);
    const neg = this.toTerms(opts.negative);
    if (pos.length === 0) throw new UsageError('mostSimilarCosmul needs at least one positive word or vector');
    const numerator = new Float64Array(end).fill(1);
    const denominator = new Float64Array(end).fill(1);
    const cos = new Float32Array(end);
    const normed = this.normed();
    for (const [terms, product] of [
      [pos, numerator],
      [neg, denominator],
    ] as const) {
      for (const term of terms) {
        matVec(normed, this.dim, 0, end, typeof term === 'string' ? this.unitVector(term) : this.checkVector(term), cos);
        for (let i = 0; i < end; i++) product[i] *= (1 + cos[i]) / 2;
      }
    }
    for (let i = 0; i < end; i++) numerator[i] /= denominator[i] + 1e-6;
    return this.best(numerator, topn, this.excluded([...pos, ...neg], opts.exclude));
  }

  /** The `topn` words most similar to `word` (gensim's `similar_by_word`); options as an object or positional. */
  similarByWord(word: string, options?: SearchOptions): Neighbor[];
  similarByWord(word: string, topn?: number, restrictVocab?: number): Neighbor[];
  similarByWord(word: string, topn?: number | SearchOptions, restrictVocab?: number): Neighbor[] {
    return this.mostSimilar({ ...searchOptions(topn, restrictVocab), positive: [word] });
  }

  /** The `topn` words most similar to `vector` by cosine (gensim's `similar_by_vector`); options as an object or positional. */
  similarByVector(vector: Float32Array | readonly number[], options?: SearchOptions): Neighbor[];
  similarByVector(vector: Float32Array | readonly number[], topn?: number, restrictVocab?: number): Neighbor[];
  similarByVector(vector: Float32Array | readonly number[], topn?: number | SearchOptions, restrictVocab?: number): Neighbor[] {
    return this.mostSimilar({ ...searchOptions(topn, restrictVocab), positive: [vector] });
  }

  /** The word of `candidates` most similar to `word` (the first on ties; gensim's `most_similar_to_given`). */
  mostSimilarToGiven(word: string, candidates: readonly string[]): string {
    if (candidates.length === 0) throw new UsageError('mostSimilarToGiven needs at least one candidate');
    let best = candidates[0];
    let bestScore = -Infinity;
    for (const c of candidates) {
      const s = this.similarity(word, c);
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    return best;
  }

  // ---- similarities and distances --------------------------------------------------------------

  /** Cosine similarity of two words (0 when either vector is all zeros). */
  similarity(w1: string, w2: string): number {
    const normed = this.normed();
    return dot(normed, normed, this.dim, this.rowOf(w1) * this.dim, this.rowOf(w2) * this.dim);
  }

  /** Cosine distance of two words: `1 - similarity(w1, w2)`. */
  distance(w1: string, w2: string): number {
    return 1 - this.similarity(w1, w2);
  }

  /**
   * Cosine similarity of the means of two word lists (raw vectors averaged, then compared;
   * gensim's `n_similarity`).
   *
   * @throws UsageError if a list is empty; KeyError for an unknown word.
   */
  nSimilarity(ws1: readonly string[], ws2: readonly string[]): number {
    if (ws1.length === 0 || ws2.length === 0) throw new UsageError('nSimilarity needs two non-empty word lists');
    const opts = { preNormalize: false, postNormalize: true, ignoreMissing: false };
    const m1 = this.meanVector(ws1, opts);
    const m2 = this.meanVector(ws2, opts);
    return dot(m1, m2);
  }

  /**
   * Cosine distances (1 - cosine) from a word or vector to each of `others`, or to every word of the
   * vocabulary in row order when `others` is absent or empty. NaN where a vector is all zeros.
   */
  distances(wordOrVector: string | Float32Array | readonly number[], others: readonly string[] = []): Float32Array {
    const raw = typeof wordOrVector === 'string' ? this.get(wordOrVector) : this.checkVector(wordOrVector);
    const unit = unitVector(raw);
    const zeroInput = !unit.some((x) => x !== 0);
    const normed = this.normed();
    const norms = this.norms;
    let out: Float32Array;
    if (others.length === 0) {
      out = new Float32Array(this.size);
      matVec(normed, this.dim, 0, this.size, unit, out);
      for (let i = 0; i < out.length; i++) out[i] = zeroInput || norms[i] === 0 ? NaN : 1 - out[i];
    } else {
      out = new Float32Array(others.length);
      others.forEach((w, j) => {
        const i = this.rowOf(w);
        out[j] = zeroInput || norms[i] === 0 ? NaN : 1 - Math.fround(dot(normed, unit, this.dim, i * this.dim, 0));
      });
    }
    return out;
  }

  /** All words (in row order) closer to `w1` than `w2` is, by cosine distance; `w1` itself excluded. */
  closerThan(w1: string, w2: string): string[] {
    const all = this.distances(w1);
    const i1 = this.rowOf(w1);
    const limit = all[this.rowOf(w2)];
    const out: string[] = [];
    for (let i = 0; i < all.length; i++) if (all[i] < limit && i !== i1) out.push(this.wordAt(i));
    return out;
  }

  /** Rank of `w2` among all words by distance from `w1` (1 = nearest): `closerThan(w1, w2).length + 1`. */
  rank(w1: string, w2: string): number {
    return this.closerThan(w1, w2).length + 1;
  }

  /**
   * Relative cosine similarity of `wb` to `wa` (Leeuwenberg et al. 2016): `similarity(wa, wb)`
   * divided by the sum of the similarities of `wa`'s `topn` nearest neighbours.
   */
  relativeCosineSimilarity(wa: string, wb: string, topn = 10): number {
    const sims = this.similarByWord(wa, topn);
    if (sims.length === 0) throw new UsageError('relativeCosineSimilarity needs topn >= 1 and at least one other word');
    return this.similarity(wa, wb) / sims.reduce((s, n) => s + n.score, 0);
  }

  // ---- sets of words ---------------------------------------------------------------------------

  /**
   * Weighted mean of words and vectors (gensim's `get_mean_vector`): the weighted sum divided by
   * the sum of |weight| over the keys used. Returns a new Float32Array.
   *
   * @throws UsageError for no keys, mismatched weights or a vector of the wrong size; KeyError for an
   *   unknown word when `ignoreMissing` is false.
   */
  meanVector(keys: readonly WordOrVector[], options: MeanVectorOptions = {}): Float32Array {
    const { weights, preNormalize = true, postNormalize = false, ignoreMissing = true } = options;
    if (keys.length === 0) throw new UsageError('cannot compute the mean of no words or vectors');
    if (weights && weights.length !== keys.length) throw new UsageError(`${weights.length} weights given for ${keys.length} keys`);
    const sum = new Float64Array(this.dim);
    let total = 0;
    keys.forEach((key, k) => {
      const w = weights ? weights[k] : 1;
      let v: ArrayLike<number>;
      if (typeof key !== 'string') v = this.checkVector(key);
      else if (this.has(key)) v = preNormalize ? this.unitVector(key) : this.get(key);
      else if (!ignoreMissing) throw new KeyError(key);
      else return;
      for (let d = 0; d < this.dim; d++) sum[d] += w * v[d];
      total += Math.abs(w);
    });
    if (total > 0) for (let d = 0; d < this.dim; d++) sum[d] /= total;
    return postNormalize ? unitVector(sum) : Float32Array.from(sum);
  }

  /**
   * The known words of `words` ranked by cosine similarity to their own normalised mean, most
   * central first (ties: reverse alphabetical, as gensim's `rank_by_centrality`). Unknown words are
   * ignored.
   *
   * @throws UsageError if none of the words is known.
   */
  rankByCentrality(words: readonly string[], options: CentralityOptions = {}): Neighbor[] {
    const useNorm = options.useNorm ?? true;
    const used = words.filter((w) => this.has(w));
    if (used.length === 0) throw new UsageError('none of the given words is in the vocabulary');
    const vectors = used.map((w) => (useNorm ? this.unitVector(w) : this.get(w)));
    const mean = this.meanVector(vectors, { postNormalize: true });
    const ranked = used.map((word, i) => ({ word, score: Math.fround(dot(vectors[i], mean)) }));
    return ranked.sort((a, b) => b.score - a.score || (a.word < b.word ? 1 : a.word > b.word ? -1 : 0));
  }

  /** The known word of `words` furthest from their mean (gensim's `doesnt_match`). */
  doesntMatch(words: readonly string[]): string {
    const ranked = this.rankByCentrality(words);
    return ranked[ranked.length - 1].word;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Row of `word`; throws KeyError if absent. */
  private rowOf(word: string): number {
    const i = this.wordIndex.get(word);
    if (i < 0) throw new KeyError(word);
    return i;
  }

  /** `vector` as a Float32Array of length `dim`; throws UsageError otherwise. */
  private checkVector(vector: Float32Array | readonly number[]): Float32Array {
    if (vector.length !== this.dim) throw new UsageError(`vector has ${vector.length} elements, expected ${this.dim}`);
    return vector instanceof Float32Array ? vector : Float32Array.from(vector);
  }

  /** Normalises a `Terms` argument to a list, checking every word and vector. */
  private toTerms(terms: Terms | undefined): WordOrVector[] {
    if (terms === undefined) return [];
    if (typeof terms === 'string' || terms instanceof Float32Array) return [terms];
    if (!Array.isArray(terms)) throw new UsageError('expected a word, a vector, or a list of them');
    const list = terms as readonly unknown[];
    if (list.length > 0 && list.every((x) => typeof x === 'number')) return [this.checkVector(list as number[])];
    return list.map((t) => {
      if (typeof t === 'string') {
        this.rowOf(t);
        return t;
      }
      if (t instanceof Float32Array || Array.isArray(t)) return this.checkVector(t as Float32Array | number[]);
      throw new UsageError(`expected a word or a vector, got ${typeof t}`);
    });
  }

  /** Rows never to return: input words and `exclude` words (both if known). */
  private excluded(terms: readonly WordOrVector[], exclude: Iterable<string> | undefined): number[] {
    const rows: number[] = [];
    for (const t of terms) if (typeof t === 'string') rows.push(this.rowOf(t));
    for (const w of exclude ?? []) {
      const i = this.indexOf(w);
      if (i >= 0) rows.push(i);
    }
    return rows;
  }

  /** End row of a search restricted to the first `restrictVocab` rows. */
  private clipEnd(restrictVocab: number | undefined): number {
    if (restrictVocab === undefined || restrictVocab === Infinity) return this.size;
    if (!(Number.isInteger(restrictVocab) && restrictVocab > 0)) {
      throw new UsageError(`restrictVocab must be a positive integer, got ${restrictVocab}`);
    }
    return Math.min(restrictVocab, this.size);
  }

  /** The `topn` best rows of `scores` (rows `0..scores.length`), skipping `excluded` and all-zero rows. */
  private best(scores: Float32Array | Float64Array, topn: number, excluded: readonly number[]): Neighbor[] {
    const end = scores.length;
    for (const i of excluded) if (i < end) scores[i] = NaN;
    for (const i of this.zeroRows()) if (i < end) scores[i] = NaN;
    const heap = new TopK(Math.min(topn, end));
    for (let i = 0; i < end; i++) {
      const s = scores[i];
      if (s > heap.threshold) heap.push(s, i);
    }
    const { indices, scores: top } = heap.drain();
    return Array.from(indices, (i, k) => ({ word: this.wordAt(i), score: top[k] }));
  }
}

function isTerms(value: unknown): value is Terms {
  return typeof value === 'string' || value instanceof Float32Array || Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isTerms(value) && !ArrayBuffer.isView(value);
}

/**
 * Reads the call forms of mostSimilar / mostSimilarCosmul — `(options)`, `(positive, options)`,
 * `(positive, negative?, options?)` — into one options object.
 */
function asOptions(
  first: MostSimilarOptions | Terms,
  second: Terms | Omit<MostSimilarOptions, 'positive'> | undefined,
  options: SearchOptions | undefined,
): MostSimilarOptions {
  if (!isTerms(first)) {
    if (!isPlainObject(first)) throw new UsageError('expected an options object, a word, a vector, or a list of them');
    if (second !== undefined || options !== undefined) throw new UsageError('give negative terms and options inside the options object');
    return first;
  }
  if (isPlainObject(second)) {
    if (options !== undefined) throw new UsageError('give the options once: (positive, options) or (positive, negative, options)');
    if ('positive' in second) throw new UsageError('positive terms are the first argument; leave them out of the options');
    return { ...second, positive: first };
  }
  return { ...options, positive: first, negative: second as Terms | undefined };
}

/** similarByWord/similarByVector's options, given as an object or as (topn, restrictVocab). */
function searchOptions(topn: number | SearchOptions | undefined, restrictVocab: number | undefined): SearchOptions {
  if (isPlainObject(topn)) {
    if (restrictVocab !== undefined) throw new UsageError('give restrictVocab inside the options object');
    return topn;
  }
  return { topn: topn as number | undefined, restrictVocab };
}

function checkTopn(topn: number | undefined): number {
  if (topn === undefined) return DEFAULT_TOPN;
  if (!(Number.isInteger(topn) && topn >= 0)) throw new UsageError(`topn must be a non-negative integer, got ${topn}`);
  return topn;
}
