/**
 * Cross-check of KeyedVectors queries against gensim 4.2 (Debian's /usr/bin/python3) on the same
 * deterministic 2,000 × 64 model: same words in the same order, scores equal to 1e-5.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyedVectors, Neighbor } from '../../src/vectors/keyed-vectors.js';
import { buildModel, runPython, writeWord2vecText } from '../evaluate/fixtures.js';

/** A call `kv.<fn>(*args, **kwargs)`; arrays wrapped as `{ vec }` become float32 numpy vectors. */
interface Call {
  fn: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
}

const PROGRAM = `
import json, sys, logging
import numpy as np
logging.disable(logging.CRITICAL)
from gensim.models import KeyedVectors
spec = json.load(sys.stdin)
kv = KeyedVectors.load_word2vec_format(spec['model'], binary=False)
def decode(x):
    if isinstance(x, dict):
        return np.array(x['vec'], dtype=np.float32)
    if isinstance(x, list):
        return [decode(y) for y in x]
    return x
def encode(x):
    if isinstance(x, np.ndarray):
        return [encode(y) for y in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [encode(y) for y in x]
    if isinstance(x, (np.floating, float)):
        return None if np.isnan(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x
out = []
for call in spec['calls']:
    fn = getattr(kv, call['fn'])
    out.append(encode(fn(*decode(call['args']), **{k: decode(v) for k, v in call.get('kwargs', {}).items()})))
print(json.dumps(out))
`;

describe('KeyedVectors queries agree with gensim 4.2', () => {
  let dir: string;
  let kv: KeyedVectors;
  let vec: number[];
  const calls: Call[] = [];
  const checks: ((ref: unknown) => void)[] = [];
  let answers: unknown[];

  /** Registers a gensim call and the embedkit check of its answer. */
  function compare(call: Call, check: (ref: unknown) => void): void {
    calls.push(call);
    checks.push(check);
  }

  function sameNeighbors(ours: Neighbor[], ref: unknown): void {
    const pairs = ref as [string, number][];
    expect(ours.map((n) => n.word)).toEqual(pairs.map((p) => p[0]));
    ours.forEach((n, i) => expect(Math.abs(n.score - pairs[i][1])).toBeLessThan(1e-5));
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-kv-'));
    kv = buildModel(2000, 64, 7);
    const model = join(dir, 'model.txt');
    writeWord2vecText(model, kv);
    vec = Array.from(kv.get('Paris'), (x, i) => x + 0.5 * Math.sin(i));
    const v32 = Array.from(Float32Array.from(vec));

    compare({ fn: 'most_similar', args: [], kwargs: { positive: ['king', 'woman'], negative: ['man'] } }, (ref) =>
      sameNeighbors(kv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'] }), ref),
    );
    compare({ fn: 'most_similar', args: ['Paris'], kwargs: { topn: 5, restrict_vocab: 900 } }, (ref) =>
      sameNeighbors(kv.mostSimilar('Paris', undefined, { topn: 5, restrictVocab: 900 }), ref),
    );
    compare({ fn: 'most_similar', args: [], kwargs: { positive: [{ vec: v32 }, 'France'], negative: ['Greece'], topn: 15 } }, (ref) =>
      sameNeighbors(kv.mostSimilar({ positive: [vec, 'France'], negative: ['Greece'], topn: 15 }), ref),
    );
    compare({ fn: 'most_similar', args: [], kwargs: { negative: ['boy'], topn: 7 } }, (ref) =>
      sameNeighbors(kv.mostSimilar({ negative: ['boy'], topn: 7 }), ref),
    );
    compare({ fn: 'most_similar_cosmul', args: [], kwargs: { positive: ['king', 'woman'], negative: ['man'], topn: 12 } }, (ref) =>
      sameNeighbors(kv.mostSimilarCosmul({ positive: ['king', 'woman'], negative: ['man'], topn: 12 }), ref),
    );
    compare({ fn: 'most_similar_cosmul', args: [['Athens', 'Japan', { vec: v32 }], ['Greece']] }, (ref) =>
      sameNeighbors(kv.mostSimilarCosmul(['Athens', 'Japan', vec], ['Greece']), ref),
    );
    compare({ fn: 'similar_by_vector', args: [{ vec: v32 }], kwargs: { topn: 6 } }, (ref) =>
      sameNeighbors(kv.similarByVector(vec, 6), ref),
    );
    compare({ fn: 'similar_by_word', args: ['queen', 4, 1200] }, (ref) => sameNeighbors(kv.similarByWord('queen', 4, 1200), ref));
    for (const words of [
      ['king', 'queen', 'woman', 'Paris'],
      ['boy', 'girl', 'brother', 'sister', 'France', 'unknownword'],
      ['Athens', 'Greece', 'Paris', 'France', 'king'],
    ]) {
      compare({ fn: 'doesnt_match', args: [words] }, (ref) => expect(kv.doesntMatch(words)).toBe(ref));
      compare({ fn: 'rank_by_centrality', args: [words] }, (ref) => {
        const r = ref as [number, string][];
        const ours = kv.rankByCentrality(words);
        expect(ours.map((n) => n.word)).toEqual(r.map((x) => x[1]));
        ours.forEach((n, i) => expect(Math.abs(n.score - r[i][0])).toBeLessThan(1e-5));
      });
    }
    for (const [a, b] of [
      ['king', 'queen'],
      ['Paris', 'France'],
      ['boy', 'Athens'],
    ]) {
      compare({ fn: 'similarity', args: [a, b] }, (ref) => expect(Math.abs(kv.similarity(a, b) - (ref as number))).toBeLessThan(1e-6));
      compare({ fn: 'distance', args: [a, b] }, (ref) => expect(Math.abs(kv.distance(a, b) - (ref as number))).toBeLessThan(1e-6));
      compare({ fn: 'closer_than', args: [a, b] }, (ref) => expect(kv.closerThan(a, b)).toEqual(ref));
      compare({ fn: 'rank', args: [a, b] }, (ref) => expect(kv.rank(a, b)).toBe(ref));
      compare({ fn: 'relative_cosine_similarity', args: [a, b, 5] }, (ref) =>
        expect(Math.abs(kv.relativeCosineSimilarity(a, b, 5) - (ref as number))).toBeLessThan(1e-5),
      );
    }
    compare(
      {
        fn: 'n_similarity',
        args: [
          ['king', 'man'],
          ['queen', 'woman', 'girl'],
        ],
      },
      (ref) => expect(Math.abs(kv.nSimilarity(['king', 'man'], ['queen', 'woman', 'girl']) - (ref as number))).toBeLessThan(1e-6),
    );
    compare({ fn: 'distances', args: ['king', ['queen', 'man', 'Paris']] }, (ref) =>
      (ref as number[]).forEach((d, i) => expect(Math.abs(kv.distances('king', ['queen', 'man', 'Paris'])[i] - d)).toBeLessThan(1e-6)),
    );
    compare({ fn: 'distances', args: [{ vec: v32 }] }, (ref) => {
      const ours = kv.distances(vec);
      const r = ref as (number | null)[];
      expect(ours.length).toBe(r.length);
      r.forEach((d, i) => (d === null || Number.isNaN(d) ? expect(ours[i]).toBeNaN() : expect(Math.abs(ours[i] - d)).toBeLessThan(1e-6)));
    });
    compare({ fn: 'most_similar_to_given', args: ['king', ['man', 'queen', 'Paris']] }, (ref) =>
      expect(kv.mostSimilarToGiven('king', ['man', 'queen', 'Paris'])).toBe(ref),
    );
    compare({ fn: 'get_mean_vector', args: [['king', 'nosuchword', { vec: v32 }, 'queen']], kwargs: { weights: [1, 2, -0.5, 3] } }, (ref) =>
      expectClose(kv.meanVector(['king', 'nosuchword', vec, 'queen'], { weights: [1, 2, -0.5, 3] }), ref as number[]),
    );
    compare({ fn: 'get_mean_vector', args: [['king', 'queen']], kwargs: { pre_normalize: false, post_normalize: true } }, (ref) =>
      expectClose(kv.meanVector(['king', 'queen'], { preNormalize: false, postNormalize: true }), ref as number[]),
    );

    answers = runPython<unknown[]>(PROGRAM, { model, calls });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every query like gensim', () => {
    expect(answers).toHaveLength(calls.length);
    checks.forEach((check, i) => check(answers[i]));
  });

  it('the model has a zero vector that neither library returns', () => {
    const zero = kv.words.findIndex((_, i) => kv.norms[i] === 0);
    expect(zero).toBeGreaterThanOrEqual(0);
    expect(kv.mostSimilar({ positive: [kv.words[zero]], topn: 2000 }).length).toBeLessThan(2000);
  });
});

function expectClose(ours: Float32Array, ref: number[]): void {
  expect(ours.length).toBe(ref.length);
  ref.forEach((x, i) => expect(Math.abs(ours[i] - x)).toBeLessThan(1e-6));
}
