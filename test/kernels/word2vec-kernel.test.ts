import { describe, expect, it } from 'vitest';
import { sharedMemory } from '../../src/kernels/wasm.js';
import { seedState } from '../../src/math/random.js';
import { EncodedCorpusWriter } from '../../src/text/encoded-corpus.js';
import { sentencesFrom } from '../../src/text/sentence-source.js';
import { VocabScanner } from '../../src/text/vocab-scanner.js';
import { buildHuffman } from '../../src/vectors/word2vec/huffman.js';
import { INIT_RNG_STREAM } from '../../src/vectors/word2vec/layout.js';
import { resolveOptions, type Word2VecOptions } from '../../src/vectors/word2vec/options.js';
import { keepThresholds, noiseTable, sigmoidTables } from '../../src/vectors/word2vec/tables.js';
import { Word2Vec } from '../../src/vectors/word2vec/trainer.js';
import { syntheticSentences } from '../helpers/synthetic-corpus.js';
import { ReferenceKernel } from './word2vec-reference.js';

const sentences = syntheticSentences(2500, 17);

/** Runs the reference kernel on the same corpus, tables and seeds as the trainer, one job per epoch. */
function reference(options: Word2VecOptions): Float32Array {
  const o = resolveOptions({ ...options, workers: 1 });
  const memory = sharedMemory(1 << 20);
  const writer = new EncodedCorpusWriter({ memory, offset: 0, memoryBudget: 1 << 30 });
  const scanner = new VocabScanner({ minCount: o.minCount, maxSentenceLength: o.maxSentenceLength }, writer);
  sentences.forEach((s) => scanner.addSentence(s));
  const scan = scanner.finish();
  const stream = writer.finish();
  if (stream.kind !== 'memory') throw new Error('expected an in-memory stream');
  const bytes = new Uint8Array(stream.memory.buffer, stream.offset, stream.length).slice();
  const vocab = scan.vocabulary;
  const stride = Math.ceil(o.dim / 4) * 4;
  const v = vocab.size;
  const model = {
    sg: o.model === 'skipgram',
    cbowMean: o.cbowMean,
    sharedNeg: o.sharedNegatives,
    hs: o.hs,
    window: o.window,
    negative: o.negative,
    dim: o.dim,
    stride,
    vocabSize: v,
    maxSentence: o.maxSentenceLength,
    sample: o.sample > 0,
    syn0: new Float32Array(v * stride),
    syn1neg: new Float32Array(v * stride),
    syn1: new Float32Array(Math.max(1, v - 1) * stride),
    expTable: sigmoidTables().sigmoid,
    keep: keepThresholds(vocab.counts, vocab.totalCount, o.sample),
    alias: o.negative > 0 ? noiseTable(vocab.counts, o.nsExponent) : undefined,
    huffman: o.hs ? buildHuffman(vocab.counts) : undefined,
    remap: scan.remap,
  };
  new ReferenceKernel(model, seedState(o.seed, INIT_RNG_STREAM)).initVectors();
  const k = new ReferenceKernel(model, seedState(o.seed, 1));
  let words = 0;
  for (const b of bytes) if (b !== 0 && (b & 0x80) === 0) words++; // every token here is in the vocabulary
  for (let e = 0; e < o.epochs; e++) {
    const done = words * e;
    const alpha = Math.max(o.minAlpha, o.alpha - ((o.alpha - o.minAlpha) * done) / (words * o.epochs));
    k.trainJob(bytes, alpha);
  }
  const out = new Float32Array(v * o.dim);
  for (let r = 0; r < v; r++) out.set(model.syn0.subarray(r * stride, r * stride + o.dim), r * o.dim);
  return out;
}

async function wasm(options: Word2VecOptions): Promise<Float32Array> {
  const w = new Word2Vec({ ...options, workers: 1, jobWords: 1e9, corpusStorage: 'memory' });
  await w.buildVocab(sentencesFrom(sentences));
  await w.train();
  return w.wv.vectors;
}

const base: Word2VecOptions = { dim: 13, window: 3, minCount: 1, negative: 4, sample: 1e-2, epochs: 2, seed: 21 };

describe('WASM word2vec kernel vs the plain-TypeScript reference (bit for bit)', () => {
  const cases: [string, Word2VecOptions][] = [
    ['skip-gram, shared negatives', { model: 'skipgram' }],
    ['skip-gram, per-pair negatives', { model: 'skipgram', sharedNegatives: false }],
    ['skip-gram, hierarchical softmax', { model: 'skipgram', hs: true, negative: 0 }],
    ['skip-gram, hs + negatives', { model: 'skipgram', hs: true }],
    ['CBOW mean, negatives (fused kernel)', { model: 'cbow' }],
    ['CBOW sum, negatives, 6 negatives (more than one output block)', { model: 'cbow', cbowMean: false, negative: 6, alpha: 0.01 }],
    ['CBOW, hierarchical softmax', { model: 'cbow', hs: true, negative: 0 }],
    ['CBOW sum, hs + negatives, dim 32, no subsampling', { model: 'cbow', hs: true, cbowMean: false, dim: 32, sample: 0 }],
  ];
  for (const [name, o] of cases) {
    it(name, async () => {
      const opts = { ...base, ...o };
      const [got, want] = [await wasm(opts), reference(opts)];
      expect(got.length).toBe(want.length);
      let changed = 0;
      let mismatches = 0;
      for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) mismatches++;
      const init = reference({ ...opts, epochs: 1, alpha: 1e-30, minAlpha: 1e-30 });
      for (let i = 0; i < got.length; i++) if (Math.abs(got[i] - init[i]) > 1e-6) changed++;
      expect(changed).toBeGreaterThan(got.length / 2); // training did move the vectors
      expect(mismatches).toBe(0);
    });
  }
});
