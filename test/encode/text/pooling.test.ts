import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import {
  createPoolingEncoder,
  loadPoolingEncoder,
  MaxPoolingEncoder,
  MeanPoolingEncoder,
  powerIterationComponents,
  SifEncoder,
  TfidfPoolingEncoder,
  zipfWeights,
} from '../../../src/encode/text/pooling.js';
import { NotFittedError } from '../../../src/encode/text/word-pooling.js';
import { textEncoderEntries } from '../../../src/encode/text/registry-entries.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { MIN_SIF_FIT_TEXTS } from '../../../src/encode/text/sif.js';

// A 4-d toy vocabulary, most frequent first (as GloVe / word2vec files are ordered).
const WORDS = ['the', 'a', 'cat', 'dog', 'sat', 'mat', 'runs', 'fast', 'sun', 'sky'];
const VECS = [
  [1, 0, 0, 0.5],
  [0.9, 0.1, 0, 0.5],
  [0, 1, 0.2, 0],
  [0.1, 0.9, 0.3, 0],
  [0, 0, 1, 0.1],
  [0.2, 0.5, 0.1, 0.3],
  [0, 0.3, 0.8, -0.2],
  [-0.5, 0, 0.6, 0.1],
  [0.3, -0.4, 0, 1],
  [0.2, -0.5, 0.1, 0.9],
];
const DIM = 4;
const kv = new KeyedVectors({ words: WORDS, vectors: Float32Array.from(VECS.flat()), dim: DIM });
const vec = (w: string): number[] => VECS[WORDS.indexOf(w)];
const rowOf = (data: Float32Array, i: number): number[] => Array.from(data.subarray(i * DIM, (i + 1) * DIM));

function closeTo(actual: number[], want: number[], digits = 5): void {
  expect(actual).toHaveLength(want.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(want[i], digits));
}

function meanOf(words: string[], weight: (w: string) => number = () => 1, divisor = words.length): number[] {
  const out = new Array(DIM).fill(0);
  for (const w of words) vec(w).forEach((v, d) => (out[d] += weight(w) * v));
  return out.map((v) => v / divisor);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-pooling-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('mean and max pooling', () => {
  it('mean: average of known tokens, repeats counted, OOV ignored', async () => {
    const enc = new MeanPoolingEncoder(kv);
    const r = await enc.embed(['The cat sat', 'cat cat dog', 'the zebra cat'], { normalize: false });
    expect(r.errors).toEqual([]);
    closeTo(rowOf(r.data, 0), meanOf(['the', 'cat', 'sat']));
    closeTo(rowOf(r.data, 1), meanOf(['cat', 'cat', 'dog']));
    closeTo(rowOf(r.data, 2), meanOf(['the', 'cat']));
  });

  it('normalises by default', async () => {
    const r = await new MeanPoolingEncoder(kv).embed(['cat dog']);
    const want = meanOf(['cat', 'dog']);
    const n = Math.hypot(...want);
    closeTo(
      rowOf(r.data, 0),
      want.map((v) => v / n),
    );
  });

  it('max: element-wise maximum', async () => {
    const r = await new MaxPoolingEncoder(kv).embed(['runs fast sun'], { normalize: false });
    closeTo(rowOf(r.data, 0), [0.3, 0.3, 0.8, 1]);
  });

  it('a text with no known word gets a zero row and an error; the batch goes on', async () => {
    const enc = new MeanPoolingEncoder(kv);
    const r = await enc.embed(['cat', 'zebra giraffe', '', '?!', null as unknown as string, 'dog'], { batchSize: 2 });
    expect(r.errors.map((e) => e.index)).toEqual([1, 2, 3, 4]);
    expect(r.errors[0].message).toBe('no known words (2 tokens, all out of vocabulary)');
    expect(r.errors[1].message).toBe('no known words (the text has no tokens)');
    expect(r.errors[3].message).toMatch(/expected a string, got null/);
    for (const i of [1, 2, 3, 4]) expect(rowOf(r.data, i)).toEqual([0, 0, 0, 0]);
    expect(Math.hypot(...rowOf(r.data, 5))).toBeCloseTo(1, 6);
  });

  it('embedDetailed reports OOV per input and in total', async () => {
    const r = await new MeanPoolingEncoder(kv).embedDetailed(['the cat and the hat', 'zebra', '', 'dog']);
    expect(Array.from(r.tokenCounts)).toEqual([5, 1, 0, 1]);
    expect(Array.from(r.oovCounts)).toEqual([2, 1, 0, 0]);
    expect(r.oov).toEqual({ tokens: 7, oovTokens: 3, allOov: 1, empty: 1 });
  });

  it('preNormalize pools unit word vectors', async () => {
    const r = await new MeanPoolingEncoder(kv, { preNormalize: true }).embed(['the sat'], { normalize: false });
    const unit = (w: string): number[] => vec(w).map((v) => v / Math.hypot(...vec(w)));
    closeTo(
      rowOf(r.data, 0),
      unit('the').map((v, d) => (v + unit('sat')[d]) / 2),
    );
  });

  it('rejects bad arguments', () => {
    expect(() => createPoolingEncoder('median' as never, kv)).toThrow(/unknown pooling method "median"/);
    expect(() => new MeanPoolingEncoder(new KeyedVectors({ words: [], vectors: new Float32Array(0), dim: 2 }))).toThrow(/empty/);
    expect(() => new MeanPoolingEncoder(kv, { batchSize: 0 })).toThrow(UsageError);
  });
});

describe('TF-IDF pooling', () => {
  const docs = ['the cat sat', 'the dog sat', 'the sun'];
  it('fits smoothed IDF like scikit-learn and weights the mean by tf·idf', async () => {
    const enc = new TfidfPoolingEncoder(kv).fit(docs);
    const idf = (df: number): number => Math.log(4 / (1 + df)) + 1;
    expect(enc.idfOf('the')).toBeCloseTo(idf(3), 12);
    expect(enc.idfOf('sat')).toBeCloseTo(idf(2), 12);
    expect(enc.idfOf('cat')).toBeCloseTo(idf(1), 12);
    expect(enc.idfOf('sky')).toBeCloseTo(Math.log(4) + 1, 12); // never seen: rarest
    const weight = (w: string): number => enc.idfOf(w);
    const r = await enc.embed(['the cat cat'], { normalize: false });
    const total = weight('the') + 2 * weight('cat');
    closeTo(rowOf(r.data, 0), meanOf(['the', 'cat', 'cat'], weight, total));
  });

  it('needs fit unless autoFit', async () => {
    await expect(new TfidfPoolingEncoder(kv).embed(['cat'])).rejects.toThrow(NotFittedError);
    const auto = new TfidfPoolingEncoder(kv, { autoFit: true });
    const r = await auto.embed(docs);
    expect(auto.fitted).toBe(true);
    expect(auto.documents).toBe(3);
    const fitted = await new TfidfPoolingEncoder(kv).fit(docs).embed(docs);
    expect(Array.from(r.data)).toEqual(Array.from(fitted.data));
  });

  it('autoFit with no known word anywhere: per-item errors, still unfitted', async () => {
    const auto = new TfidfPoolingEncoder(kv, { autoFit: true });
    const r = await auto.embed(['zebra', '', 7 as unknown as string]);
    expect(r.errors.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(auto.fitted).toBe(false);
  });

  it('saves and restores the fitted IDF', async () => {
    const enc = new TfidfPoolingEncoder(kv, { sublinearTf: true }).fit(docs);
    const file = path.join(tmp, 'tfidf.json');
    await enc.save(file);
    const back = await loadPoolingEncoder(file, kv);
    expect(back).toBeInstanceOf(TfidfPoolingEncoder);
    const a = await enc.embed(['the the cat dog']);
    const b = await back.embed(['the the cat dog']);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('hyper-parameters a state file gets wrong are a FileFormatError naming it (fuzz finding)', async () => {
    const file = path.join(tmp, 'params.json');
    await new TfidfPoolingEncoder(kv).fit(docs).save(file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { params: Record<string, unknown> };
    doc.params.preNormalize = 0;
    fs.writeFileSync(file, JSON.stringify(doc));
    const error = await loadPoolingEncoder(file, kv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError); // was a UsageError naming no file
    expect((error as Error).message).toBe(`${file}: bad hyper-parameters: preNormalize must be a boolean, got 0`);
    // a bad option of the caller stays a UsageError
    await expect(loadPoolingEncoder(file, kv, { batchSize: -1 })).rejects.toThrow(UsageError);
  });
});

describe('SIF (Arora, Liang & Ma 2017)', () => {
  const corpus = ['the cat sat on the mat', 'a dog runs fast', 'the sun in the sky', 'the cat runs', 'a dog sat', 'sun sky fast'];

  it('Zipf weights: p(rank r) = 1 / (r · H_N), weight a / (a + p)', () => {
    const w = zipfWeights(4, 0.01);
    const h = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    [1, 2, 3, 4].forEach((r, i) => expect(w[i]).toBeCloseTo(0.01 / (0.01 + 1 / (r * h)), 12));
    const enc = new SifEncoder(kv, { a: 0.01, components: 0 });
    expect(enc.frequencies).toBe('zipf');
    expect(enc.fitted).toBe(true); // nothing to fit without components
    expect(enc.weightOf('cat')).toBeCloseTo(zipfWeights(WORDS.length, 0.01)[2], 12);
  });

  it('uses stored counts when the vectors have them', () => {
    const counts = Float64Array.from([50, 30, 5, 5, 4, 2, 2, 1, 1, 0]);
    const withCounts = new KeyedVectors({ words: WORDS, vectors: kv.vectors, dim: DIM, counts });
    const enc = new SifEncoder(withCounts, { a: 0.1, components: 0 });
    expect(enc.frequencies).toBe('counts');
    expect(enc.weightOf('the')).toBeCloseTo(0.1 / (0.1 + 0.5), 12);
    expect(enc.weightOf('sky')).toBe(1); // count 0 → p 0
    expect(() => new SifEncoder(kv, { frequencies: 'counts' })).toThrow(/no counts/);
  });

  it('removes the first principal component fitted on the corpus', async () => {
    const enc = new SifEncoder(kv, { a: 0.05, minFitTexts: 1 });
    await expect(enc.embed(['cat'])).rejects.toThrow(NotFittedError);
    enc.fit(corpus);
    expect(enc.fittedOn).toBe(6);
    const pc = Array.from(enc.principalComponents!);
    expect(Math.hypot(...pc)).toBeCloseTo(1, 9);
    // Independent check: the weighted averages X of the corpus; pc must be the top eigenvector of XᵀX.
    const weight = (w: string): number => enc.weightOf(w)!;
    const xs = corpus.map((s) => {
      const known = s.split(' ').filter((w) => kv.has(w));
      return meanOf(known, weight);
    });
    const cv = (v: number[]): number[] =>
      [0, 1, 2, 3].map((i) => xs.reduce((s, x) => s + x[i] * x.reduce((t, xj, j) => t + xj * v[j], 0), 0));
    const lambda = cv(pc).reduce((s, v, i) => s + v * pc[i], 0);
    closeTo(
      cv(pc),
      pc.map((v) => v * lambda),
      6,
    );
    for (const e of [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [0.5, 0.5, 0.5, 0.5],
    ]) {
      const q = cv(e).reduce((s, v, i) => s + v * e[i], 0) / e.reduce((s, v) => s + v * v, 0);
      expect(q).toBeLessThanOrEqual(lambda + 1e-9);
    }
    // Rows = weighted average minus its projection on pc.
    const r = await enc.embed(corpus, { normalize: false });
    xs.forEach((x, i) => {
      const proj = x.reduce((s, v, d) => s + v * pc[d], 0);
      closeTo(
        rowOf(r.data, i),
        x.map((v, d) => v - proj * pc[d]),
      );
      expect(rowOf(r.data, i).reduce((s, v, d) => s + v * pc[d], 0)).toBeCloseTo(0, 6);
    });
  });

  it('power iteration: orthonormal eigenvectors of XᵀX, largest eigenvalue first', () => {
    const x = Float64Array.from([3, 0, 0, 0, 2, 0, 0, 0, 1, 3, 0.1, 0]);
    const { components } = powerIterationComponents(x, 3, 2);
    const c = [
      [18, 0.3, 0],
      [0.3, 4.01, 0],
      [0, 0, 1],
    ];
    const eigenvalues = [0, 1].map((k) => {
      const v = Array.from(components.subarray(3 * k, 3 * k + 3));
      const cv = c.map((row) => row.reduce((s, cij, j) => s + cij * v[j], 0));
      const lambda = cv.reduce((s, w, i) => s + w * v[i], 0);
      closeTo(
        cv,
        v.map((w) => w * lambda),
        5,
      );
      return lambda;
    });
    const disc = Math.sqrt((18 - 4.01) ** 2 + 4 * 0.09);
    expect(eigenvalues[0]).toBeCloseTo((22.01 + disc) / 2, 6);
    expect(eigenvalues[1]).toBeCloseTo((22.01 - disc) / 2, 6);
    expect(components[0] * components[3] + components[1] * components[4] + components[2] * components[5]).toBeCloseTo(0, 9);
  });

  it("'corpus' frequencies come from fit", async () => {
    const enc = new SifEncoder(kv, { frequencies: 'corpus', a: 0.1, components: 0 });
    expect(enc.fitted).toBe(false);
    enc.fit(['the the the cat', 'the dog']);
    // 'the' is 4 of 6 tokens; 'sky' never occurs: weight 1.
    expect(enc.weightOf('the')).toBeCloseTo(0.1 / (0.1 + 4 / 6), 12);
    expect(enc.weightOf('sky')).toBe(1);
  });

  it('a text lying along the removed component is an error row, not normalised rounding noise', async () => {
    // fitted on many copies of one text, the component is that text
    const copies = new SifEncoder(kv).fit(Array.from({ length: MIN_SIF_FIT_TEXTS }, () => 'the cat sat on the mat'));
    const r = await copies.embed(['the cat sat on the mat', 'sun sky fast']);
    expect(r.errors).toEqual([
      { index: 0, message: expect.stringMatching(/^nothing left after removing the common component .*fitted on 32 sentences;/) },
    ]);
    expect(Array.from(r.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Math.hypot(...rowOf(r.data, 1))).toBeCloseTo(1, 5);
  });

  it('fitted on fewer than MIN_SIF_FIT_TEXTS texts, the component is estimated from the vocabulary', async () => {
    // the expected SIF vector of a text drawn from p: Σ p(w)·w(w)·v_w, normalised
    const enc = new SifEncoder(kv, { autoFit: true });
    const r = await enc.embed(['the cat sat on the mat']);
    expect(r.errors).toEqual([]);
    expect(Math.hypot(...rowOf(r.data, 0))).toBeCloseTo(1, 5);
    const dim = kv.dim;
    const mean = new Float64Array(dim);
    for (let row = 0; row < kv.size; row++) {
      const w = enc.weightOf(kv.wordAt(row))!;
      const p = enc.a * (1 / w - 1);
      const v = kv.get(kv.wordAt(row));
      for (let d = 0; d < dim; d++) mean[d] += p * w * v[d];
    }
    const norm = Math.hypot(...mean);
    const pc = enc.principalComponents!;
    for (let d = 0; d < dim; d++) expect(pc[d]).toBeCloseTo(mean[d] / norm, 6);
    // two different texts no longer come out as opposite directions (the degenerate 2-text fit)
    const two = await new SifEncoder(kv, { autoFit: true }).embed(['the cat sat on the mat', 'sun sky fast']);
    const a = rowOf(two.data, 0);
    const b = rowOf(two.data, 1);
    expect(a.reduce((s, x, i) => s + x * b[i], 0)).toBeGreaterThan(-0.99);
  });

  it('autoFit fits on the first inputs; the state is saved, restored and part of the cache identity', async () => {
    const enc = new SifEncoder(kv, { autoFit: true, name: 'toy-sif', minFitTexts: 1 });
    const cacheDir = path.join(tmp, 'cache');
    const first = await enc.embed(corpus, { cacheDir });
    expect(enc.fittedOn).toBe(6);
    expect(first.cache).toMatchObject({ hits: 0, writes: 6 });
    const file = path.join(tmp, 'sif.json');
    await enc.save(file);
    const back = await loadPoolingEncoder(file, kv, { name: 'toy-sif' });
    const again = await back.embed(corpus, { cacheDir });
    // Counters are per call.
    expect(again.cache).toEqual({ hits: 6, misses: 0, corrupt: 0, writes: 0 });
    expect(Array.from(again.data)).toEqual(Array.from(first.data));
    // Another fitted state is another identity: no hit, different rows.
    const other = new SifEncoder(kv, { name: 'toy-sif', minFitTexts: 1 }).fit(['sun sky', 'sky fast sun', 'the sun']);
    const r = await other.embed(corpus, { cacheDir });
    expect(r.cache).toMatchObject({ hits: 0, misses: 6 });
    expect(Array.from(r.data)).not.toEqual(Array.from(first.data));
  });

  it('rejects a state file of another method, dimension or hyper-parameters', async () => {
    const file = path.join(tmp, 'sif-a.json');
    await new SifEncoder(kv, { a: 0.05 }).fit(corpus).save(file);
    await expect(new SifEncoder(kv, { a: 0.5 }).loadState(file)).rejects.toThrow(/hyper-parameters/);
    await expect(new TfidfPoolingEncoder(kv).loadState(file)).rejects.toThrow(/state of a 'sif' encoder/);
    const small = new KeyedVectors({ words: ['x'], vectors: Float32Array.from([1, 2]), dim: 2 });
    await expect(loadPoolingEncoder(file, small)).rejects.toThrow(FileFormatError);
    fs.writeFileSync(path.join(tmp, 'junk.json'), '{"format":');
    await expect(loadPoolingEncoder(path.join(tmp, 'junk.json'), kv)).rejects.toThrow(/junk\.json: not JSON/);
  });
});

describe('registry entry word-vectors', () => {
  it('loads a vector file with {vectors, pooling, corpus}', async () => {
    const file = path.join(tmp, 'toy.ekv');
    await saveVectors(kv, file);
    const entry = textEncoderEntries.find((e) => e.name === 'word-vectors')!;
    const enc = await entry.load({ vectors: file, pooling: 'sif', corpus: ['the cat sat', 'a dog runs', 'sun sky'], a: '0.01' });
    expect(enc.dimension).toBe(DIM);
    expect(enc.name).toBe('word-vectors-sif');
    const direct = new SifEncoder(kv, { a: 0.01 }).fit(['the cat sat', 'a dog runs', 'sun sky']);
    const [x, y] = await Promise.all([enc.embed(['the cat runs fast']), direct.embed(['the cat runs fast'])]);
    closeTo(Array.from(x.data), Array.from(y.data), 6);
  });

  it('names missing or unknown options', async () => {
    const entry = textEncoderEntries.find((e) => e.name === 'word-vectors')!;
    await expect(entry.load({})).rejects.toThrow(/option 'vectors'.*required/);
    await expect(entry.load({ vectors: kv, pooling: 'median' })).rejects.toThrow(/'pooling' must be one of mean, max, tfidf, sif/);
    await expect(entry.load({ vectors: kv, compnents: 2 })).rejects.toThrow(/unknown option 'compnents'/);
    await expect(entry.load({ vectors: path.join(tmp, 'missing.ekv') })).rejects.toThrow(/ENOENT|missing\.ekv/);
  });
});
