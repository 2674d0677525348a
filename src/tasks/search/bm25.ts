import { UsageError } from '../../errors.js';
import { TopK } from '../../math/topk.js';
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

/** A term's postings packed for scoring: per posting the key's slot, the term frequency and the key's length. */
interface PackedPostings {
  slots: Int32Array;
  tf: Float64Array;
  length: Float64Array;
}

/**
 * An incremental BM25 inverted index over integer keys: `add` and `remove` at any time, scores
 * with the Lucene/BM25+-free IDF `ln(1 + (N − df + 0.5) / (df + 0.5))`, which stays positive.
 *
 * Searching reads each query term's postings as packed arrays (built on the first search after
 * the term changed) and sums scores into a dense array over key slots, then keeps the `k` best
 * with a bounded heap: no per-query map of every matching key and no sort of all of them (a
 * common term matches a large share of the collection).
 */
export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  /** term → (key → term frequency) */
  private readonly postings = new Map<string, Map<number, number>>();
  /** key → [length in terms, distinct terms, dense slot] */
  private readonly docs = new Map<number, { length: number; terms: string[]; slot: number }>();
  private totalLength = 0;
  /** term → its postings packed for search; dropped when the term's postings change */
  private readonly packed = new Map<string, PackedPostings>();
  /** key of each slot (slots of removed keys are reused) */
  private readonly slotKeys: number[] = [];
  private readonly freeSlots: number[] = [];
  /** whether a key outside the int32 range was ever added (then hits are chosen by a full sort) */
  private wideKeys = false;
  /** per-search scratch: score and seen mark per slot, the slots touched */
  private scores = new Float64Array(0);
  private seen = new Uint8Array(0);
  private touched = new Int32Array(0);

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
      this.packed.delete(t);
    }
    if ((key | 0) !== key) this.wideKeys = true;
    const slot = this.freeSlots.pop() ?? this.slotKeys.length;
    this.slotKeys[slot] = key;
    this.docs.set(key, { length: terms.length, terms: [...tf.keys()], slot });
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
      this.packed.delete(t);
    }
    this.freeSlots.push(d.slot);
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
    const { k1, b, slotKeys } = this;
    if (this.scores.length < slotKeys.length) {
      this.scores = new Float64Array(slotKeys.length);
      this.seen = new Uint8Array(slotKeys.length);
      this.touched = new Int32Array(slotKeys.length);
    }
    const { scores, seen, touched } = this;
    let count = 0;
    try {
      for (const [t, qn] of weights) {
        const p = this.postings.get(t);
        if (!p) continue;
        const packed = this.packedPostings(t, p);
        const idf = Math.log(1 + (n - p.size + 0.5) / (p.size + 0.5));
        const { slots, tf, length } = packed;
        for (let i = 0; i < slots.length; i++) {
          const slot = slots[i];
          if (allow && !allow(slotKeys[slot])) continue;
          const f = tf[i];
          const s = (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * length[i]) / avg));
          if (seen[slot] === 0) {
            seen[slot] = 1;
            touched[count++] = slot;
          }
          scores[slot] += qn * s;
        }
      }
    } catch (error) {
      // a throwing `allow`: leave the scratch clean
      for (let i = 0; i < count; i++) {
        seen[touched[i]] = 0;
        scores[touched[i]] = 0;
      }
      throw error;
    }
    // keys with a positive score, then the k best; the scratch is cleared for the next search
    let m = 0;
    for (let i = 0; i < count; i++) {
      const slot = touched[i];
      seen[slot] = 0;
      if (scores[slot] > 0) touched[m++] = slot;
      else scores[slot] = 0;
    }
    const hits: Bm25Hit[] = [];
    if (this.wideKeys) {
      for (let i = 0; i < m; i++) hits.push({ key: slotKeys[touched[i]], score: scores[touched[i]] });
      hits.sort((x, y) => y.score - x.score || x.key - y.key);
      hits.length = Math.min(hits.length, k);
    } else {
      // the k best by a bounded heap (ties by the lower key, as the sort above)
      const heap = new TopK(Math.min(k, m));
      for (let i = 0; i < m; i++) heap.push(scores[touched[i]], slotKeys[touched[i]]);
      const best = heap.drain();
      for (let i = 0; i < best.indices.length; i++) hits.push({ key: best.indices[i], score: best.scores[i] });
    }
    for (let i = 0; i < m; i++) scores[touched[i]] = 0;
    return hits;
  }

  /** The packed form of term `t`'s postings `p` (cached until `t` changes). */
  private packedPostings(t: string, p: ReadonlyMap<number, number>): PackedPostings {
    let packed = this.packed.get(t);
    if (packed) return packed;
    packed = { slots: new Int32Array(p.size), tf: new Float64Array(p.size), length: new Float64Array(p.size) };
    let i = 0;
    for (const [key, f] of p) {
      const d = this.docs.get(key)!;
      packed.slots[i] = d.slot;
      packed.tf[i] = f;
      packed.length[i] = d.length;
      i++;
    }
    this.packed.set(t, packed);
    return packed;
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
