import { UsageError } from '../../errors.js';
import { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { loadVectors } from '../../vectors/load.js';
import { saveVectors } from '../../vectors/save.js';
import { trainWord2Vec } from '../../vectors/word2vec/trainer.js';

/** Hyper-parameters of {@link Item2Vec} (Barkan & Koenigstein 2016: skip-gram with negative sampling over item sets). */
export interface Item2VecOptions {
  /** Vector size. Default 64. */
  dim?: number;
  /** Passes over the sessions. Default 20. */
  epochs?: number;
  /** Negative samples per positive pair. Default 5. */
  negative?: number;
  /** Context window in items; 0 = the whole session (item2vec's set context). Default 0. */
  window?: number;
  /** Items seen fewer times are left to the popularity fallback. Default 1. */
  minCount?: number;
  /** Frequent-item subsampling threshold (word2vec's `sample`; 0 = off). Default 0: with small catalogues every item is "frequent" and subsampling starves training. */
  sample?: number;
  /** Noise-distribution exponent. Default 0.75. */
  nsExponent?: number;
  /** Initial learning rate. Default 0.025. */
  alpha?: number;
  /** Training threads; 1 is bit-for-bit repeatable with the seed. Default 1. */
  workers?: number;
  seed?: number;
}

/** One recommended item. */
export interface Recommendation {
  item: string;
  /** Cosine similarity, or for popularity fallbacks the item's share of all interactions. */
  score: number;
  /** True when the item comes from the popularity fallback (cold query item or empty history). */
  popular?: boolean;
}

/** Options of {@link Item2Vec.next}. */
export interface NextOptions {
  /** Items to return. Default 10. */
  k?: number;
  /** Weight of the i-th most recent item relative to the one after it (1 = plain mean). Default 0.7. */
  decay?: number;
  /** Only the last `window` items of the history count. Default 5. */
  window?: number;
  /** Leave items of the history out of the results. Default true. */
  excludeSeen?: boolean;
}

function checkSessions(sessions: readonly (readonly string[])[]): void {
  if (!Array.isArray(sessions) || sessions.length === 0) throw new UsageError('item2vec needs at least one session');
  sessions.forEach((s, i) => {
    if (!Array.isArray(s)) throw new UsageError(`session ${i} is not an array of item ids`);
    for (const it of s)
      if (typeof it !== 'string' || it.length === 0 || /\s/u.test(it))
        throw new UsageError(`session ${i}: item ids must be non-empty strings without spaces, got ${JSON.stringify(it)}`);
  });
}

/**
 * Item2vec recommendations: items of a session are each other's context, trained with the word2vec
 * engine (skip-gram, negative sampling). `similar` gives items used alike, `next` items for a recent
 * history (a recency-weighted mean of its vectors, Grbovic et al. 2015); items the model does not
 * know, and empty histories, fall back to the most popular items.
 */
export class Item2Vec {
  private constructor(
    /** Item vectors; `counts` holds each item's number of interactions. */
    readonly vectors: KeyedVectors,
    /** Items by popularity (most first), with their counts. */
    private readonly popularity: { item: string; count: number }[],
  ) {}

  /** Trains on sessions (each a list of item ids in order). */
  static async fit(sessions: readonly (readonly string[])[], options: Item2VecOptions = {}): Promise<Item2Vec> {
    checkSessions(sessions);
    const counts = new Map<string, number>();
    let longest = 1;
    for (const s of sessions) {
      longest = Math.max(longest, s.length);
      for (const it of s) counts.set(it, (counts.get(it) ?? 0) + 1);
    }
    const usable = sessions.filter((s) => s.length >= 2);
    if (usable.length === 0) throw new UsageError('item2vec needs sessions of at least two items');
    const window = options.window ?? 0;
    if (!Number.isInteger(window) || window < 0) throw new UsageError(`window must be an integer ≥ 0, got ${window}`);
    const { vectors } = await trainWord2Vec(usable, {
      model: 'skipgram',
      dim: options.dim ?? 64,
      epochs: options.epochs ?? 20,
      negative: options.negative ?? 5,
      window: window === 0 ? Math.max(1, longest - 1) : window,
      minCount: options.minCount ?? 1,
      sample: options.sample ?? 0,
      nsExponent: options.nsExponent ?? 0.75,
      alpha: options.alpha ?? 0.025,
      workers: options.workers ?? 1,
      seed: options.seed ?? 1,
    });
    const popularity = [...counts]
      .map(([item, count]) => ({ item, count }))
      .sort((a, b) => b.count - a.count || (a.item < b.item ? -1 : 1));
    const kv = new KeyedVectors({
      words: vectors.words,
      vectors: vectors.vectors,
      dim: vectors.dim,
      counts: Float64Array.from(vectors.words, (w) => counts.get(w) ?? 0),
    });
    return new Item2Vec(kv, popularity);
  }

  /** Items with a vector. */
  get size(): number {
    return this.vectors.size;
  }

  /** Whether the model has a vector for `item`. */
  has(item: string): boolean {
    return this.vectors.has(item);
  }

  private total(): number {
    return this.popularity.reduce((s, p) => s + p.count, 0) || 1;
  }

  /** The `k` most popular items, leaving out `exclude`. */
  popular(k = 10, exclude: Iterable<string> = []): Recommendation[] {
    const skip = new Set(exclude);
    const total = this.total();
    const out: Recommendation[] = [];
    for (const p of this.popularity) {
      if (out.length >= k) break;
      if (!skip.has(p.item)) out.push({ item: p.item, score: p.count / total, popular: true });
    }
    return out;
  }

  /** Items most similar to `item`; popular items when the model does not know it. */
  similar(item: string, k = 10): Recommendation[] {
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
    if (!this.vectors.has(item)) return this.popular(k, [item]);
    return this.vectors.similarByWord(item, { topn: k }).map((n) => ({ item: n.word, score: n.score }));
  }

  /** Items likely to come next after `history` (oldest first); filled up with popular items. */
  next(history: readonly string[], options: NextOptions = {}): Recommendation[] {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
    const decay = options.decay ?? 0.7;
    if (!(decay > 0 && decay <= 1)) throw new UsageError(`decay must be in (0, 1], got ${decay}`);
    const window = options.window ?? 5;
    const seen = (options.excludeSeen ?? true) ? history : [];
    const recent = history.slice(-window).filter((it) => this.vectors.has(it));
    if (recent.length === 0) return this.popular(k, seen);
    const query = new Float32Array(this.vectors.dim);
    recent.forEach((it, i) => {
      const w = decay ** (recent.length - 1 - i);
      const v = this.vectors.unitVector(it);
      for (let d = 0; d < v.length; d++) query[d] += w * v[d];
    });
    const out: Recommendation[] = this.vectors
      .similarByVector(query, { topn: k + seen.length, exclude: seen })
      .filter((n) => !seen.includes(n.word))
      .slice(0, k)
      .map((n) => ({ item: n.word, score: n.score }));
    if (out.length < k) out.push(...this.popular(k - out.length, [...seen, ...out.map((r) => r.item)]));
    return out;
  }

  /** Saves the item vectors and counts as one `.ekv` file (atomic). */
  async save(path: string): Promise<void> {
    await saveVectors(this.vectors, path, { format: 'ekv' });
  }

  /** Loads a model written by {@link save}; popularity comes from the stored counts. */
  static async load(path: string): Promise<Item2Vec> {
    const kv = await loadVectors(path);
    if (!kv.counts) throw new UsageError(`${path}: has no item counts (not an item2vec model saved by embedkit)`);
    const popularity = kv.words
      .map((item, i) => ({ item, count: kv.counts![i] }))
      .sort((a, b) => b.count - a.count || (a.item < b.item ? -1 : 1));
    return new Item2Vec(kv, popularity);
  }
}
