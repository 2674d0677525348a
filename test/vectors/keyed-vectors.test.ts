/** KeyedVectors queries on a handmade 2-D compass, every answer checked by hand. */
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { KeyedVectors, KeyError, type Neighbor } from '../../src/vectors/keyed-vectors.js';

const R = Math.SQRT1_2;

function compass(): KeyedVectors {
  const table: [string, number, number][] = [
    ['east', 1, 0],
    ['north', 0, 1],
    ['west', -1, 0],
    ['south', 0, -1],
    ['northeast', 1, 1],
    ['zero', 0, 0],
    ['far-east', 3, 0],
  ];
  return new KeyedVectors({ words: table.map((t) => t[0]), vectors: Float32Array.from(table.flatMap((t) => [t[1], t[2]])), dim: 2 });
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function expectNeighbors(ours: Neighbor[], expected: [string, number][], digits = 6): void {
  expect(ours.map((n) => n.word)).toEqual(expected.map((e) => e[0]));
  ours.forEach((n, i) => expect(n.score).toBeCloseTo(expected[i][1], digits));
}

describe('KeyedVectors norms', () => {
  it('caches unit vectors and norms; the zero vector stays zero', () => {
    const kv = compass();
    const u = kv.normed();
    expect(kv.normed()).toBe(u);
    expect(Array.from(kv.norms)).toEqual([1, 1, 1, 1, Math.fround(Math.SQRT2), 0, 3]);
    expect(Array.from(kv.unitVector('zero'))).toEqual([0, 0]);
    expect(Array.from(kv.unitVector('far-east'))).toEqual([1, 0]);
    expect(Array.from(kv.unitVector('northeast'))).toEqual([Math.fround(R), Math.fround(R)]);
    expect(u.some(Number.isNaN)).toBe(false);
    expect(kv.unitVector('east').buffer).toBe(u.buffer);
  });

  it('recomputes after resetNorms when vectors changed in place', () => {
    const kv = compass();
    kv.normed();
    kv.vectors.set([0, 2], 5 * 2); // 'zero' becomes (0, 2)
    expect(kv.norms[5]).toBe(0);
    kv.resetNorms();
    expect(kv.norms[5]).toBe(2);
    expect(Array.from(kv.unitVector('zero'))).toEqual([0, 1]);
  });
});

describe('KeyedVectors.mostSimilar', () => {
  it('ranks by cosine, drops the input and zero vectors, keeps ties in row order', () => {
    expectNeighbors(compass().mostSimilar('east'), [
      ['far-east', 1],
      ['northeast', R],
      ['north', 0],
      ['south', 0],
      ['west', -1],
    ]);
  });

  it('solves north + east - west (3CosAdd) with the options or the shorthand form', () => {
    // Unit vectors: (0,1) + (1,0) - (-1,0) = (2,1); cosines with it: 3/√10, 2/√5, -1/√5.
    const expected: [string, number][] = [
      ['northeast', 3 / Math.sqrt(10)],
      ['far-east', 2 / Math.sqrt(5)],
      ['south', -1 / Math.sqrt(5)],
    ];
    const kv = compass();
    expectNeighbors(kv.mostSimilar({ positive: ['north', 'east'], negative: ['west'] }), expected);
    expectNeighbors(kv.mostSimilar(['north', 'east'], ['west']), expected);
    expectNeighbors(kv.mostSimilar(['north', 'east'], 'west', { topn: 1 }), expected.slice(0, 1));
  });

  it('takes the options object as the second argument: mostSimilar(word, { topn })', () => {
    const kv = compass();
    expectNeighbors(kv.mostSimilar('east', { topn: 2 }), [
      ['far-east', 1],
      ['northeast', R],
    ]);
    expectNeighbors(kv.mostSimilar(['north', 'east'], { negative: 'west', topn: 1 }), [['northeast', 3 / Math.sqrt(10)]]);
    expectNeighbors(
      kv.mostSimilarCosmul('east', { topn: 1, exclude: ['far-east'] }),
      kv.mostSimilarCosmul({ positive: 'east', topn: 1, exclude: ['far-east'] }).map((n) => [n.word, n.score]),
    );
    expectNeighbors(kv.similarByWord('north', { topn: 1 }), [['northeast', R]]);
    expectNeighbors(kv.similarByVector([0, -2], { topn: 1, restrictVocab: 4 }), [['south', 1]]);
    expect(() => kv.mostSimilar('east', { positive: 'north' } as never)).toThrow(/first argument/);
    expect(() => kv.mostSimilar('east', { topn: 1 } as never, { topn: 2 })).toThrow(UsageError);
    expect(() => (kv.mostSimilar as (...args: unknown[]) => unknown).call(kv, { positive: 'east' }, 'west')).toThrow(
      /inside the options object/,
    );
  });

  it('uses words as unit vectors but given vectors as they are', () => {
    const kv = compass();
    // far-east counts as (1,0); the vector (0,3) is not normalised: mean ∝ (1,3) → northeast 4/√20.
    expectNeighbors(kv.mostSimilar({ positive: ['far-east', [0, 3]], topn: 2 }), [
      ['north', 3 / Math.sqrt(10)],
      ['northeast', 4 / Math.sqrt(20)],
    ]);
    expectNeighbors(kv.similarByVector(Float32Array.from([0, -2]), 2), [
      ['south', 1],
      ['east', 0],
    ]);
    expectNeighbors(kv.similarByWord('north', 1), [['northeast', R]]);
    // Only negative terms: the most dissimilar words.
    expectNeighbors(kv.mostSimilar({ negative: ['east'], topn: 1 }), [['west', 1]]);
  });

  it('honours topn, restrictVocab and exclude', () => {
    const kv = compass();
    expect(kv.mostSimilar('east', undefined, { topn: 0 })).toEqual([]);
    expectNeighbors(kv.mostSimilar({ positive: ['east'], restrictVocab: 3 }), [
      ['north', 0],
      ['west', -1],
    ]);
    expectNeighbors(kv.mostSimilar({ positive: ['east'], topn: 2, exclude: ['far-east', 'nonsense'] }), [
      ['northeast', R],
      ['north', 0],
    ]);
    expect(kv.mostSimilar({ positive: ['east'], topn: 100 })).toHaveLength(5);
  });

  it('throws KeyError naming an unknown word, UsageError for bad arguments', () => {
    const kv = compass();
    expect(() => kv.mostSimilar('up')).toThrow(KeyError);
    expect(() => kv.mostSimilar({ positive: ['east'], negative: ['up'] })).toThrow(/'up'/);
    const err = catchError(() => kv.mostSimilar(['east', 'down']));
    expect(err).toBeInstanceOf(KeyError);
    expect((err as KeyError).word).toBe('down');
    expect(() => kv.mostSimilar({ positive: [] })).toThrow(UsageError);
    expect(() => kv.mostSimilar([1, 2, 3])).toThrow(/3 elements, expected 2/);
    expect(() => kv.mostSimilar({ positive: [Float32Array.of(1)] })).toThrow(UsageError);
    expect(() => kv.mostSimilar('east', undefined, { topn: -1 })).toThrow(UsageError);
    expect(() => kv.mostSimilar('east', undefined, { topn: 1.5 })).toThrow(UsageError);
    expect(() => kv.mostSimilar({ positive: 'east', restrictVocab: 0 })).toThrow(UsageError);
  });
});

describe('KeyedVectors.mostSimilarCosmul', () => {
  it('multiplies shifted cosines (3CosMul)', () => {
    // For x: (1+cos(x,north))/2 · (1+cos(x,east))/2 / ((1+cos(x,west))/2 + 1e-6).
    const kv = compass();
    const ne = ((1 + R) / 2) ** 2 / ((1 - R) / 2 + 1e-6);
    expectNeighbors(
      kv.mostSimilarCosmul({ positive: ['north', 'east'], negative: ['west'] }),
      [
        ['far-east', 0.5 / 1e-6],
        ['northeast', ne],
        ['south', 0],
      ],
      3,
    );
    expectNeighbors(kv.mostSimilarCosmul('north', undefined, { topn: 2 }), [
      ['northeast', (1 + R) / 2 / (1 + 1e-6)],
      ['east', 0.5 / (1 + 1e-6)],
    ]);
  });

  it('needs a positive term', () => {
    const kv = compass();
    expect(() => kv.mostSimilarCosmul({ negative: ['east'] })).toThrow(UsageError);
    expect(() => kv.mostSimilarCosmul({ positive: [], negative: ['east'] })).toThrow(UsageError);
    expect(() => kv.mostSimilarCosmul(['east', 'up'])).toThrow(KeyError);
  });
});

describe('KeyedVectors similarities', () => {
  it('similarity, distance and nSimilarity (raw vectors averaged)', () => {
    const kv = compass();
    expect(kv.similarity('east', 'northeast')).toBeCloseTo(R, 7);
    expect(kv.similarity('east', 'zero')).toBe(0);
    expect(kv.distance('east', 'west')).toBeCloseTo(2, 7);
    expect(kv.nSimilarity(['east', 'north'], ['northeast'])).toBeCloseTo(1, 7);
    // Raw mean of far-east and north is (1.5, 0.5): cosine with (1,1) is 2/√5 (unit vectors would give 1).
    expect(kv.nSimilarity(['far-east', 'north'], ['northeast'])).toBeCloseTo(2 / Math.sqrt(5), 7);
    expect(() => kv.nSimilarity([], ['east'])).toThrow(UsageError);
    expect(() => kv.nSimilarity(['east'], ['up'])).toThrow(KeyError);
    expect(() => kv.similarity('east', 'up')).toThrow(KeyError);
  });

  it('distances to all words (NaN for the zero vector) or to some', () => {
    const kv = compass();
    const d = Array.from(kv.distances('east'));
    expect(d.slice(0, 5).map((x) => Number(x.toFixed(6)))).toEqual([0, 1, 2, 1, Number((1 - R).toFixed(6))]);
    expect(d[5]).toBeNaN();
    expect(d[6]).toBe(0);
    expect(Array.from(kv.distances([0, 5], ['north', 'south']))).toEqual([0, 2]);
    expect(() => kv.distances('east', ['up'])).toThrow(KeyError);
    expect(() => kv.distances([1, 2, 3])).toThrow(UsageError);
  });

  it('closerThan, rank and mostSimilarToGiven', () => {
    const kv = compass();
    expect(kv.closerThan('east', 'north')).toEqual(['northeast', 'far-east']);
    expect(kv.rank('east', 'north')).toBe(3);
    expect(kv.rank('east', 'far-east')).toBe(1);
    expect(kv.rank('east', 'west')).toBe(5);
    expect(kv.mostSimilarToGiven('east', ['north', 'northeast', 'west'])).toBe('northeast');
    expect(() => kv.mostSimilarToGiven('east', [])).toThrow(UsageError);
  });

  it('relativeCosineSimilarity divides by the sum of the top-n similarities', () => {
    const kv = compass();
    expect(kv.relativeCosineSimilarity('east', 'northeast', 2)).toBeCloseTo(R / (1 + R), 6);
  });
});

describe('KeyedVectors sets of words', () => {
  it('meanVector follows gensim get_mean_vector', () => {
    const kv = compass();
    expect(Array.from(kv.meanVector(['east', 'far-east']))).toEqual([1, 0]);
    expect(Array.from(kv.meanVector(['east', 'far-east'], { preNormalize: false }))).toEqual([2, 0]);
    expect(Array.from(kv.meanVector(['east', 'far-east'], { weights: [1, -1] }))).toEqual([0, 0]);
    expect(Array.from(kv.meanVector(['east', 'far-east'], { weights: [1, -1], postNormalize: true }))).toEqual([0, 0]);
    expect(Array.from(kv.meanVector(['north', [4, 0]], { weights: [3, 1] }))).toEqual([1, 0.75]);
    expect(Array.from(kv.meanVector(['east', 'up']))).toEqual([1, 0]);
    expect(Array.from(kv.meanVector(['north', 'far-east'], { preNormalize: false, postNormalize: true })).map((x) => x.toFixed(6))).toEqual(
      [3 / Math.sqrt(10), 1 / Math.sqrt(10)].map((x) => x.toFixed(6)),
    );
    expect(() => kv.meanVector(['east', 'up'], { ignoreMissing: false })).toThrow(KeyError);
    expect(() => kv.meanVector([])).toThrow(UsageError);
    expect(() => kv.meanVector(['east'], { weights: [1, 2] })).toThrow(UsageError);
  });

  it('doesntMatch picks the word furthest from the mean; unknown words are ignored', () => {
    const kv = compass();
    // Unit mean of east, far-east, northeast, south ∝ (2.707, -0.293): south has the lowest cosine.
    expect(kv.doesntMatch(['east', 'far-east', 'northeast', 'south', 'up'])).toBe('south');
    const ranked = kv.rankByCentrality(['north', 'northeast', 'east']);
    expect(ranked.map((n) => n.word)).toEqual(['northeast', 'north', 'east']);
    expect(ranked[0].score).toBeCloseTo(1, 6);
    expect(() => kv.doesntMatch(['up', 'down'])).toThrow(UsageError);
  });
});

describe('KeyedVectors with an attached HNSW index', () => {
  it('mostSimilar searches the graph and agrees with the exact scan', async () => {
    const { KeyedVectors } = await import('../../src/vectors/keyed-vectors.js');
    const { mulberry32 } = await import('../../src/math/random.js');
    const rnd = mulberry32(5);
    const n = 3000;
    const dim = 16;
    const words = Array.from({ length: n }, (_, i) => `w${i}`);
    const vectors = Float32Array.from({ length: n * dim }, () => rnd() - 0.5);
    const kv = new KeyedVectors({ words, vectors, dim });
    const exact = kv.mostSimilar('w7', undefined, { topn: 10 });
    const built = await kv.buildIndex({ efSearch: 200, threads: 1 });
    expect(kv.index).toBe(built);
    expect(built.type).toBe('hnsw');
    const asked = vi.spyOn(built, 'search');
    const approx = kv.mostSimilar('w7', undefined, { topn: 10 });
    expect(asked).toHaveBeenCalledTimes(1); // the graph answered, not the exact scan
    expect(approx.map((x) => x.word)).toEqual(exact.map((x) => x.word));
    approx.forEach((x, i) => expect(x.score).toBeCloseTo(exact[i].score, 4));
    expect(approx.some((x) => x.word === 'w7')).toBe(false); // the input word is excluded
    const analogy = kv.mostSimilar({ positive: ['w1', 'w2'], negative: ['w3'], topn: 5 });
    expect(analogy).toHaveLength(5);
    // restrictVocab keeps the exact scan
    expect(kv.mostSimilar({ positive: ['w7'], topn: 3, restrictVocab: 100 }).every((x) => Number(x.word.slice(1)) < 100)).toBe(true);
    const index = kv.index!;
    kv.attachIndex(undefined);
    expect(kv.index).toBeUndefined();
    const other = new KeyedVectors({ words: ['a', 'b'], vectors: new Float32Array(2 * dim), dim });
    expect(() => other.attachIndex(index)).toThrow(/must hold the 2 rows/);
  });

  it("takes any VectorIndex (gensim's indexer): an exact flat index, built or attached", async () => {
    const { KeyedVectors } = await import('../../src/vectors/keyed-vectors.js');
    const { createIndex } = await import('../../src/ann/index.js');
    const { mulberry32 } = await import('../../src/math/random.js');
    const rnd = mulberry32(9);
    const n = 2000;
    const dim = 12;
    const words = Array.from({ length: n }, (_, i) => `w${i}`);
    const vectors = Float32Array.from({ length: n * dim }, () => rnd() - 0.5);
    const kv = new KeyedVectors({ words, vectors, dim });
    const exact = kv.mostSimilar({ positive: ['w3', 'w4'], negative: ['w5'], topn: 8 });
    const exact9 = kv.similarByWord('w9', 5);
    const flat = await kv.buildIndex({ type: 'flat', threads: 1 });
    expect(flat.type).toBe('flat');
    const asked = vi.spyOn(flat, 'search');
    const viaIndex = kv.mostSimilar({ positive: ['w3', 'w4'], negative: ['w5'], topn: 8 });
    expect(asked).toHaveBeenCalledTimes(1);
    expect(viaIndex.map((x) => x.word)).toEqual(exact.map((x) => x.word));
    viaIndex.forEach((x, i) => expect(x.score).toBeCloseTo(exact[i].score, 5));
    // an index made elsewhere: cosine, ids = rows
    const own = createIndex({ type: 'flat', metric: 'cosine', dim });
    own.addSync(
      Array.from({ length: n }, (_, i) => i),
      vectors,
    );
    kv.attachIndex(own);
    expect(kv.index).toBe(own);
    expect(kv.similarByWord('w9', 5).map((x) => x.word)).toEqual(exact9.map((x) => x.word));
    expect(() => kv.attachIndex(createIndex({ type: 'flat', metric: 'l2', dim }))).toThrow(/cosine/);
  });
});
