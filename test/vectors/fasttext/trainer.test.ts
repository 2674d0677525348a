import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { sentencesFrom } from '../../../src/text/sentence-source.js';
import { Tokenizer } from '../../../src/text/tokenizer.js';
import { FastTextModel } from '../../../src/vectors/fasttext/fasttext-model.js';
import type { FastTextOptions } from '../../../src/vectors/fasttext/options.js';
import { trainFastText } from '../../../src/vectors/fasttext/trainer.js';
import { fasttext, parseWordVectors } from '../../helpers/fasttext-cli.js';
import { classPurity, syntheticSentences } from '../../helpers/synthetic-corpus.js';
import { makeTempDir } from '../../io/helpers.js';

const corpus = syntheticSentences(6000);
const base: FastTextOptions = { dim: 24, window: 3, minCount: 2, epochs: 3, bucket: 5000, sample: 0, seed: 3, workers: 1 };
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

describe('fastText subword training', () => {
  for (const model of ['skipgram', 'cbow'] as const) {
    it(`${model}: class neighbours, OOV vectors from n-grams, a .bin the CLI reads`, async () => {
      const { model: ft, vocab, training } = await trainFastText(sentencesFrom(corpus), { ...base, model });
      expect(vocab.vocabSize).toBe(new Set(corpus.flat()).size);
      expect(training.words).toBe(corpus.flat().length * 3);
      expect(ft.data.input.rows).toBe(vocab.vocabSize + 5000);
      expect(classPurity((w) => ft.wordVector(w))).toBeGreaterThanOrEqual(0.85);
      // An unseen word shares most n-grams with a seen one.
      expect(ft.words).not.toContain('germanys');
      expect(cosine(ft.wordVector('germanys'), ft.wordVector('germany'))).toBeGreaterThan(0.6);
      const file = tmp.file(`${model}.bin`);
      await ft.save(file);
      const rows = parseWordVectors(fasttext(['print-word-vectors', file], 'cat\ngermanys\n'));
      for (const r of rows) {
        const ours = ft.wordVector(r.word);
        r.vector.forEach((x, i) => expect(Math.abs(ours[i] - x)).toBeLessThanOrEqual(Math.max(1e-5, Math.abs(x) * 1e-4)));
      }
      expect(FastTextModel.loadSync(file).wordVector('germanys')).toEqual(ft.wordVector('germanys'));
    });
  }

  it("eos: every sentence ends with fastText's </s> (counted per sentence, sorted by count, no n-grams); off by default", async () => {
    const lines = corpus.slice(0, 1500);
    const tokens = lines.flat().length;
    const on = await trainFastText(sentencesFrom(lines), { ...base, epochs: 1, eos: true });
    const d = on.model.data.dictionary;
    const eos = d.words.indexOf('</s>');
    expect(eos).toBeGreaterThanOrEqual(0);
    expect(d.counts[eos]).toBe(lines.length);
    for (let i = 1; i < d.counts.length; i++) expect(d.counts[i]).toBeLessThanOrEqual(d.counts[i - 1]);
    expect(on.training.words).toBe(tokens + lines.length);
    // fastText's ntokens: every token read, `</s>` included.
    expect(d.ntokens).toBe(tokens + lines.length);
    // `</s>` has no n-grams: its vector is its own input row.
    const dim = on.model.dim;
    const row = (on.model.data.input as { data: Float32Array }).data.subarray(eos * dim, (eos + 1) * dim);
    expect(on.model.wordVector('</s>')).toEqual(Float32Array.from(row));
    expect(row.some((x) => x !== 0)).toBe(true);
    // The fastText CLI reads `</s>` from the .bin as its own row.
    const file = tmp.file('eos.bin');
    await on.model.save(file);
    const [cli] = parseWordVectors(fasttext(['print-word-vectors', file], '</s>\n'));
    expect(cli.word).toBe('</s>');
    cli.vector.forEach((x, i) => expect(Math.abs(row[i] - x)).toBeLessThanOrEqual(Math.max(1e-5, Math.abs(x) * 1e-4)));

    const off = await trainFastText(sentencesFrom(lines), { ...base, epochs: 1 });
    expect(off.model.words).not.toContain('</s>');
    expect(off.training.words).toBe(tokens);
    expect(off.vocab.vocabSize).toBe(on.vocab.vocabSize - 1);
  });

  it('counts a literal </s> token as the end-of-line word', async () => {
    const lines = corpus.slice(0, 500).map((l, i) => (i % 10 === 0 ? [...l, '</s>'] : l));
    const { model } = await trainFastText(sentencesFrom(lines), { ...base, epochs: 1, eos: true });
    const d = model.data.dictionary;
    expect(d.words.filter((w) => w === '</s>')).toHaveLength(1);
    expect(d.counts[d.words.indexOf('</s>')]).toBe(lines.length + 50);
  });

  it('is bit-for-bit repeatable with one worker and a seed', async () => {
    const a = (await trainFastText(sentencesFrom(corpus.slice(0, 1500)), { ...base, seed: 11 })).model;
    const b = (await trainFastText(sentencesFrom(corpus.slice(0, 1500)), { ...base, seed: 11 })).model;
    const c = (await trainFastText(sentencesFrom(corpus.slice(0, 1500)), { ...base, seed: 12 })).model;
    const bytes = (m: FastTextModel) => Buffer.from((m.data.input as { data: Float32Array }).data.buffer);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(bytes(a).equals(bytes(c))).toBe(false);
  });

  it("epochLength 'all-tokens': trains past the last pass until the words reach epochs × every token (fastText's budget)", async () => {
    // 300 words seen once (below minCount 2): counted in fastText's ntokens, never trained.
    const frequent = corpus[0][0];
    const lines = [...corpus.slice(0, 1500), ...Array.from({ length: 300 }, (_, i) => [`rare${i}`, frequent])];
    const tokens = lines.flat().length;
    const inVocab = tokens - 300;
    const opts: FastTextOptions = { ...base, epochs: 2, jobWords: 1000 };
    const off = await trainFastText(sentencesFrom(lines), { ...opts, epochLength: 'vocabulary' });
    expect(off.training.words).toBe(2 * inVocab);
    const byDefault = await trainFastText(sentencesFrom(lines), opts);
    expect(byDefault.training.words).toBeGreaterThanOrEqual(2 * tokens);
    const on = await trainFastText(sentencesFrom(lines), { ...opts, epochLength: 'all-tokens' });
    expect(on.model.words).not.toContain('rare0');
    // Jobs continue from the corpus start until the budget is reached; the last job may pass it.
    expect(on.training.words).toBeGreaterThanOrEqual(2 * tokens);
    expect(on.training.words).toBeLessThan(2 * tokens + 1100);
    // With `eos` the budget counts one `</s>` per sentence too, as fastText's ntokens.
    const eos = await trainFastText(sentencesFrom(lines), { ...opts, epochLength: 'all-tokens', eos: true });
    expect(eos.training.words).toBeGreaterThanOrEqual(2 * (tokens + lines.length));
    // One worker and a seed: bit-for-bit repeatable; two workers reach the budget too.
    const again = await trainFastText(sentencesFrom(lines), { ...opts, epochLength: 'all-tokens' });
    const bytes = (m: FastTextModel) => Buffer.from((m.data.input as { data: Float32Array }).data.buffer);
    expect(bytes(again.model).equals(bytes(on.model))).toBe(true);
    expect(bytes(off.model).equals(bytes(on.model))).toBe(false);
    const two = await trainFastText(sentencesFrom(lines), { ...opts, epochLength: 'all-tokens', workers: 2 });
    expect(two.training.words).toBeGreaterThanOrEqual(2 * tokens);
    await expect(trainFastText(sentencesFrom(lines), { ...opts, epochLength: 'twice' as never })).rejects.toThrow(UsageError);
  });

  it('works for CJK text segmented by Intl.Segmenter, with vectors for unseen words', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => ['我喜欢猫咪和小狗', '今天天气很好', '猫咪在睡觉', '小狗在公园里跑'][i % 4]);
    const { model } = await trainFastText(sentencesFrom(lines.map((l) => new Tokenizer({ locale: 'zh' }).tokenize(l))), {
      ...base,
      minCount: 1,
      minn: 1,
      maxn: 2,
    });
    expect(model.words.length).toBeGreaterThan(3);
    const v = model.wordVector('猫猫'); // unseen, built from the n-grams 猫, 猫猫 …
    expect(v.some((x) => x !== 0)).toBe(true);
  });

  it('rejects bad subword settings', async () => {
    await expect(trainFastText(sentencesFrom(corpus), { minn: 5, maxn: 3 })).rejects.toThrow(UsageError);
  });
});
