import { describe, expect, it } from 'vitest';
import { evaluateRankings, hitRateAtK, ndcgAtK, precisionAtK, recallAtK, reciprocalRank } from '../../src/evaluate/ranking-metrics.js';
import { UsageError } from '../../src/errors.js';

// ranking a b c d e; relevant {b, d, z}: hits at ranks 2 and 4
const ranked = ['a', 'b', 'c', 'd', 'e'];
const relevant = new Set(['b', 'd', 'z']);

describe('ranking metrics (hand-computed)', () => {
  it('precision, recall, hit rate and reciprocal rank', () => {
    expect(precisionAtK(ranked, relevant, 1)).toBe(0);
    expect(precisionAtK(ranked, relevant, 2)).toBe(0.5);
    expect(precisionAtK(ranked, relevant, 5)).toBe(0.4);
    expect(precisionAtK(ranked, relevant, 10)).toBe(0.2); // short list padded with misses
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(hitRateAtK(ranked, relevant, 1)).toBe(0);
    expect(hitRateAtK(ranked, relevant, 2)).toBe(1);
    expect(reciprocalRank(ranked, relevant)).toBe(0.5);
    expect(reciprocalRank(ranked, relevant, 1)).toBe(0);
    expect(reciprocalRank(['x'], relevant)).toBe(0);
  });

  it('nDCG with binary and graded gains', () => {
    // DCG@5 = 1/log2(3) + 1/log2(5); ideal (3 relevant) = 1 + 1/log2(3) + 1/2
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(dcg / (1 + 1 / Math.log2(3) + 0.5), 12);
    // graded: b=3, d=1, z=2 → DCG@3 = 3/log2(3); ideal@3 = 3 + 2/log2(3) + 1/2
    const graded = new Map<string, number>([
      ['b', 3],
      ['d', 1],
      ['z', 2],
    ]);
    expect(ndcgAtK(ranked, graded, 3)).toBeCloseTo(3 / Math.log2(3) / (3 + 2 / Math.log2(3) + 0.5), 12);
    expect(ndcgAtK(['b', 'z', 'd'], graded, 3)).toBeCloseTo((3 + 2 / Math.log2(3) + 0.5) / (3 + 2 / Math.log2(3) + 0.5), 12);
    expect(ndcgAtK(ranked, new Set<string>(), 3)).toBe(0);
  });

  it('a repeated id counts once', () => {
    expect(precisionAtK(['b', 'b', 'b'], relevant, 3)).toBeCloseTo(1 / 3, 12);
    expect(ndcgAtK(['b', 'b'], new Set(['b']), 2)).toBe(1);
  });

  it('means over queries', () => {
    const results = new Map<string, string[]>([
      ['q1', ['a', 'b']],
      ['q2', ['c', 'd']],
    ]);
    const qrels = new Map([
      ['q1', new Set(['a'])], // RR 1, P@1 1
      ['q2', new Set(['d'])], // RR 1/2, P@1 0
      ['q3', new Set(['e'])], // no results: 0
      ['q4', new Set<string>()], // skipped
    ]);
    const r = evaluateRankings(results, qrels, [1, 2]);
    expect(r.queries).toBe(3);
    expect(r.skipped).toBe(1);
    expect(r.mrr).toBeCloseTo(1.5 / 3, 12);
    expect(r.precision[1]).toBeCloseTo(1 / 3, 12);
    expect(r.precision[2]).toBeCloseTo(1 / 3, 12);
    expect(r.recall[2]).toBeCloseTo(2 / 3, 12);
    expect(r.hitRate[2]).toBeCloseTo(2 / 3, 12);
  });

  it('rejects bad k and empty judgements', () => {
    expect(() => precisionAtK(ranked, relevant, 0)).toThrow(UsageError);
    expect(() => ndcgAtK(ranked, relevant, 1.5)).toThrow(/positive integer/);
    expect(() => evaluateRankings(new Map(), new Map())).toThrow(/no query/);
  });
});
