import { UsageError } from '../../errors.js';
import { lexicalTerms } from './lexical-tokens.js';

/** Hyper-parameters of {@link Bm25Index} (Robertson & Zaragoza 2009). */
export interface Bm25Options {
  /** Term-frequency saturation. Default 1.2. */
  k1?: number;
  /** Length normalisation (0 = none, 1 = full). Default 0.75. */
  b?: number;
}

/** One scored key of a {@link Bm25Index} search. */
export interface Bm25Hit {
  key: number;
  score: number;
}

/**
 * An incremental BM25 inverted index over integer keys: `add` and `remove` at any time, scores
 * with the Lucene/BM25+-free IDF `ln(1 + (N − df + 0.5) / (df + 0.5))`, which stays positive.
 */
export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  /** term → (key → term frequency) */
  private readonly postings = new Map<string, Map<number, number>>();
  /** key → [length in terms, distinct terms] */
  private readonly docs = new Map<number, { length: number; terms: string[] }>();
  private totalLength = 0;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    if (!(Number.isFinite(this.k1) && this.k1 >= 0)) throw new UsageError(`bm25 k1 must be a finite number ≥ 0, got ${this.k1}`);
    if (!(Number.isFinite(this.b) && this.b >= 0 && this.b <= 1)) throw new UsageError(`bm25 b must be in [0, 1], got ${this.b}`);
  }

  /** Number of keys indexed. */
  get size(): number {
    return this.docs.size;
  }

  /** Indexes `text` under `key` (replacing what the key held). */
  add(key: number, text: string): void {
    if (this.docs.has(key)) this.remove(key);
    const terms = lexicalTerms(text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = new Map()));
      p.set(key, n);
    }
    this.docs.set(key, { length: terms.length, terms: [...tf.keys()] });
    this.totalLength += terms.length;
  }

  /** Removes `key`; returns whether it was indexed. */
  remove(key: number): boolean {
    const d = this.docs.get(key);
    if (!d) return false;
    for (const t of d.terms) {
      const p = this.postings.get(t)!;
      p.delete(key);
      if (p.size === 0) this.postings.delete(t);
    }
    this.docs.delete(key);
    this.totalLength -= d.length;
    return true;
  }

  /**
   * The `k` best-scoring keys for `query` (keys with score 0 are not returned), best first, ties by
   * key. `allow` restricts the keys considered.
   */
  search(query: string, k: number, allow?: (key: number) => boolean): Bm25Hit[] {
    return this.searchTerms(queryTermWeights(query), k, allow);
  }

  /** {@link search} for a weighted bag of terms: Σ_t weight(t) · BM25(t, key). */
  searchTerms(weights: ReadonlyMap<string, number>, k: number, allow?: (key: number) => boolean): Bm25Hit[] {
    const n = this.docs.size;
    if (n === 0 || k < 1) return [];
    const avg = this.totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const [t, qn] of weights) {
      const p = this.postings.get(t);
      if (!p) continue;
      const idf = Math.log(1 + (n - p.size + 0.5) / (p.size + 0.5));
      for (const [key, f] of p) {
        if (allow && !allow(key)) continue;
        const len = this.docs.get(key)!.length;
        const s = (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * len) / avg));
        scores.set(key, (scores.get(key) ?? 0) + qn * s);
      }
    }
    const hits: Bm25Hit[] = [];
    for (const [key, score] of scores) if (score > 0) hits.push({ key, score });
    hits.sort((x, y) => y.score - x.score || x.key - y.key);
    return hits.slice(0, k);
  }

  /**
   * RM3 pseudo-relevance feedback (Lavrenko & Croft 2001; Abdul-Jaleel et al. 2004): the relevance
   * model p(t|R) ∝ Σ_d score(d) · tf(t, d) / |d| over the feedback hits, its `terms` most likely
   * terms renormalised, mixed with the query's own term distribution:
   * `originalWeight · p(t|q) + (1 − originalWeight) · p(t|R)`.
   */
  expandQuery(query: string, feedback: readonly Bm25Hit[], terms: number, originalWeight: number): Map<string, number> {
    const original = queryTermWeights(query);
    let qTotal = 0;
    for (const v of original.values()) qTotal += v;
    const rel = new Map<string, number>();
    let scoreTotal = 0;
    for (const h of feedback) scoreTotal += h.score;
    for (const h of feedback) {
      const d = this.docs.get(h.key);
      if (!d || d.length === 0) continue;
      const w = scoreTotal > 0 ? h.score / scoreTotal : 1 / feedback.length;
      for (const t of d.terms) rel.set(t, (rel.get(t) ?? 0) + (w * this.postings.get(t)!.get(h.key)!) / d.length);
    }
    const top = [...rel.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, terms);
    let relTotal = 0;
    for (const [, v] of top) relTotal += v;
    const out = new Map<string, number>();
    for (const [t, v] of original) out.set(t, (originalWeight * v) / (qTotal || 1));
    for (const [t, v] of top) out.set(t, (out.get(t) ?? 0) + ((1 - originalWeight) * v) / (relTotal || 1));
    return out;
  }
}

/** A query's terms with their counts. */
function queryTermWeights(query: string): Map<string, number> {
  const qtf = new Map<string, number>();
  for (const t of lexicalTerms(query)) qtf.set(t, (qtf.get(t) ?? 0) + 1);
  return qtf;
}
