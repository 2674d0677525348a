import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../src/tasks/search/bm25.js';
import { lexicalTerms } from '../../../src/tasks/search/lexical-tokens.js';
import { mulberry32 } from '../../../src/math/random.js';

/** BM25 by the formula over every stored text, summed term by term in the query's order, fully sorted. */
function reference(texts: Map<number, string>, weights: Map<string, number>, k: number, allow?: (key: number) => boolean) {
  const terms = new Map([...texts].map(([key, t]) => [key, lexicalTerms(t)]));
  const n = terms.size;
  let total = 0;
  for (const t of terms.values()) total += t.length;
  const avg = total / n || 1;
  const scores = new Map<number, number>();
  for (const [t, qn] of weights) {
    const df = [...terms.values()].filter((ts) => ts.includes(t)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (const [key, ts] of terms) {
      const f = ts.filter((x) => x === t).length;
      if (f === 0 || (allow && !allow(key))) continue;
      const s = (idf * f * 2.2) / (f + 1.2 * (1 - 0.75 + (0.75 * ts.length) / avg));
      scores.set(key, (scores.get(key) ?? 0) + qn * s);
    }
  }
  return [...scores]
    .filter(([, s]) => s > 0)
    .map(([key, score]) => ({ key, score }))
    .sort((x, y) => y.score - x.score || x.key - y.key)
    .slice(0, k);
}

describe('BM25 scoring (packed postings, dense scores, bounded top-k)', () => {
  it.each([
    ['small integer keys', (x: number) => x],
    ['keys outside int32', (x: number) => x * 2 ** 33 + 0.5],
  ])('gives exactly the scores and order of the formula through adds, removals, re-adds and filters (%s)', (_, keyOf) => {
    const random = mulberry32(7);
    const vocab = Array.from({ length: 40 }, (_, i) => `w${i}x`);
    // a skewed draw, so that a few terms are in most texts (as common words are)
    const word = () => vocab[Math.floor(vocab.length * random() ** 3)];
    const text = () => Array.from({ length: 3 + Math.floor(random() * 20) }, word).join(' ');
    const bm = new Bm25Index();
    const texts = new Map<number, string>();
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 60; i++) {
        const key = keyOf(Math.floor(random() * 200));
        const t = text();
        bm.add(key, t);
        texts.set(key, t);
      }
      for (let i = 0; i < 20; i++) {
        const key = keyOf(Math.floor(random() * 200));
        expect(bm.remove(key)).toBe(texts.delete(key));
      }
      for (let q = 0; q < 15; q++) {
        const weights = new Map<string, number>();
        for (let j = 0; j < 1 + Math.floor(random() * 4); j++) weights.set(word(), q % 3 === 0 ? random() : 1);
        const k = 1 + Math.floor(random() * 30);
        const allow = q % 4 === 0 ? (key: number) => Math.floor(key) % 3 !== 0 : undefined;
        expect(bm.searchTerms(weights, k, allow)).toEqual(reference(texts, weights, k, allow));
      }
    }
    expect(bm.size).toBe(texts.size);
  });

  it('a throwing filter leaves the index searchable with the same results', () => {
    const bm = new Bm25Index();
    bm.add(1, 'apple banana');
    bm.add(2, 'apple cherry');
    const before = bm.search('apple cherry', 5);
    expect(() =>
      bm.search('apple cherry', 5, (key) => {
        if (key === 2) throw new Error('filter failed');
        return true;
      }),
    ).toThrow('filter failed');
    expect(bm.search('apple cherry', 5)).toEqual(before);
  });
});
