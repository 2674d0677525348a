import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../src/tasks/search/bm25.js';
import { chunkText } from '../../../src/tasks/search/chunk.js';
import { fuseRankings } from '../../../src/tasks/search/fusion.js';
import { lexicalTerms } from '../../../src/tasks/search/lexical-tokens.js';
import { maximalMarginalRelevance } from '../../../src/tasks/search/mmr.js';

describe('BM25', () => {
  it('scores match the formula by hand', () => {
    const bm = new Bm25Index();
    bm.add(1, 'apple banana');
    bm.add(2, 'apple apple cherry');
    // N = 2, avgdl = 2.5; "cherry": df 1, idf = ln(1 + 1.5/1.5) = ln 2; doc 2: f 1, |d| 3
    const expected = (Math.log(2) * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 3) / 2.5));
    const hits = bm.search('cherry', 5);
    expect(hits).toHaveLength(1);
    expect(hits[0].key).toBe(2);
    expect(hits[0].score).toBeCloseTo(expected, 12);
    // "apple" in both: idf = ln(1 + 0.5/2.5); doc 2 has f 2
    const idf = Math.log(1 + 0.5 / 2.5);
    const s2 = (idf * 2 * 2.2) / (2 + 1.2 * (0.25 + (0.75 * 3) / 2.5));
    const s1 = (idf * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 2) / 2.5));
    const apple = bm.search('apples', 5);
    expect(apple.map((h) => h.key)).toEqual([2, 1]);
    expect(apple[0].score).toBeCloseTo(s2, 12);
    expect(apple[1].score).toBeCloseTo(s1, 12);
    expect(bm.search('apple', 5, (k) => k === 1).map((h) => h.key)).toEqual([1]);
    expect(bm.remove(2)).toBe(true);
    expect(bm.search('cherry', 5)).toEqual([]);
    expect(bm.size).toBe(1);
  });

  it('terms: lower case, no stop words, light plurals', () => {
    expect(lexicalTerms('The Indexes of the Libraries, and Classes; boxes are files')).toEqual([
      'index',
      'library',
      'class',
      'box',
      'file',
    ]);
  });
});

describe('chunks, fusion, MMR', () => {
  it('chunks with overlap, preferring sentence ends', () => {
    expect(chunkText('a b c', { maxWords: 5 })).toEqual(['a b c']);
    const words = Array.from({ length: 10 }, (_, i) => `w${i}`).join(' ');
    expect(chunkText(words, { maxWords: 4, overlap: 1 })).toEqual(['w0 w1 w2 w3', 'w3 w4 w5 w6', 'w6 w7 w8 w9']);
    expect(chunkText('a b c d e f g. h i j k', { maxWords: 8, overlap: 0 })).toEqual(['a b c d e f g.', 'h i j k']);
    expect(() => chunkText('x', { maxWords: 3, overlap: 3 })).toThrow(/overlap/);
  });

  it('reciprocal-rank and convex fusion', () => {
    const dense = [
      { key: 1, score: 0.9 },
      { key: 2, score: 0.5 },
    ];
    const lexical = [
      { key: 2, score: 7 },
      { key: 3, score: 1 },
    ];
    const rrf = fuseRankings(dense, lexical, { mode: 'rrf', rrfK: 0, denseWeight: 0.5 });
    // key 2: 1/2 + 1/1 = 1.5; key 1: 1; key 3: 1/2
    expect(rrf).toEqual([
      { key: 2, score: 1.5 },
      { key: 1, score: 1 },
      { key: 3, score: 0.5 },
    ]);
    const convex = fuseRankings(dense, lexical, { mode: 'convex', denseWeight: 0.25 });
    // min–max: dense 1 → 1, 2 → 0; lexical 2 → 1, 3 → 0
    expect(convex).toEqual([
      { key: 2, score: 0.75 },
      { key: 1, score: 0.25 },
      { key: 3, score: 0 },
    ]);
  });

  it('MMR picks a diverse second item', () => {
    const v = (x: number, y: number) => new Float32Array([x, y]);
    const picked = maximalMarginalRelevance([1, 0.99, 0.8], [v(1, 0), v(1, 0), v(0, 1)], 2, 0.5);
    expect(picked).toEqual([0, 2]);
    expect(maximalMarginalRelevance([1, 0.99, 0.8], [v(1, 0), v(1, 0), v(0, 1)], 2, 1)).toEqual([0, 1]);
  });
});

describe('BM25 with RM3 feedback', () => {
  it('expands the query with the relevance model of the feedback hits (hand-computed)', () => {
    const bm = new Bm25Index();
    bm.add(1, 'apple banana banana');
    bm.add(2, 'apple cherry');
    bm.add(3, 'cherry grape');
    // feedback: doc 1 (score 3) and doc 2 (score 1): p(t|R) ∝ Σ w_d tf/|d|, w = 0.75 and 0.25
    const rel = { apple: 0.75 / 3 + 0.25 / 2, banana: (0.75 * 2) / 3, cherry: 0.25 / 2 };
    const top2 = { banana: rel.banana, apple: rel.apple }; // the 2 most likely terms
    const z = top2.banana + top2.apple;
    const q = bm.expandQuery(
      'apple',
      [
        { key: 1, score: 3 },
        { key: 2, score: 1 },
      ],
      2,
      0.6,
    );
    expect(q.get('apple')).toBeCloseTo(0.6 + (0.4 * top2.apple) / z, 12);
    expect(q.get('banana')).toBeCloseTo((0.4 * top2.banana) / z, 12);
    expect(q.has('cherry')).toBe(false);
    // searchTerms weighs each term's BM25 score
    const plain = bm.search('banana', 3);
    const weighted = bm.searchTerms(new Map([['banana', 0.5]]), 3);
    expect(weighted[0].score).toBeCloseTo(plain[0].score * 0.5, 12);
  });
});
