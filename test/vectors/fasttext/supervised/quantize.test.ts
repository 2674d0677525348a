/**
 * `quantize` against the real Debian `fasttext` 0.9.2 CLI: the `.ftz` we write loads in the CLI, which
 * predicts and tests it as we do; our reader reads it back byte for byte.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { encodeFastTextModel } from '../../../../src/io/fasttext/write.js';
import { readFastTextModelSync } from '../../../../src/io/fasttext/read.js';
import { FastTextClassifier } from '../../../../src/vectors/fasttext/supervised/classifier.js';
import { fasttext } from '../../../helpers/fasttext-cli.js';
import { makeTempDir } from '../../../io/helpers.js';
import { parsePredictions, topicLines } from './topic-lines.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const cliP1 = (model: string, data: string) => Number(/P@1\s+(\S+)/.exec(fasttext(['test', model, data, '1']))![1]);

// Product quantization and the CLI runs take a few seconds on a quiet machine; more room on a loaded one.
describe('supervised quantize', { timeout: 180_000 }, () => {
  const train = topicLines(800, 1);
  const test = topicLines(200, 2);
  let clf: FastTextClassifier;
  beforeAll(() => {
    writeFileSync(tmp.file('train.txt'), train.join('\n') + '\n');
    writeFileSync(tmp.file('test.txt'), test.join('\n') + '\n');
    clf = new FastTextClassifier({ dim: 16, epoch: 10, lr: 0.5, wordNgrams: 2, bucket: 1000, seed: 5 }).fit(train);
    clf.model.saveSync(tmp.file('m.bin'));
  });

  it('product quantization with qnorm: a smaller .ftz the CLI tests and predicts as we do; read back byte for byte', async () => {
    const q = await clf.quantize({ qnorm: true, dsub: 2 });
    const input = q.model.data.input;
    if (input.kind !== 'quant') throw new Error('expected a quantized input matrix');
    expect(input.codes.length).toBe(input.rows * 8); // one byte per 2 of the 16 dims
    q.model.saveSync(tmp.file('q.ftz'));
    expect(statSync(tmp.file('q.ftz')).size).toBeLessThan(statSync(tmp.file('m.bin')).size / 2);
    const before = cliP1(tmp.file('m.bin'), tmp.file('test.txt'));
    const after = cliP1(tmp.file('q.ftz'), tmp.file('test.txt'));
    expect(before).toBeGreaterThanOrEqual(0.95);
    expect(after).toBeGreaterThanOrEqual(before - 0.03);
    expect(after).toBeCloseTo(q.test(test, 1).precision, 3);
    // the CLI's probabilities on the .ftz equal ours
    const texts = test.slice(0, 10).map((l) => l.replace(/__label__\S+ /, ''));
    writeFileSync(tmp.file('q.txt'), texts.join('\n') + '\n');
    const cli = parsePredictions(fasttext(['predict-prob', tmp.file('q.ftz'), tmp.file('q.txt'), '2']));
    texts.forEach((t, i) => {
      const ours = q.predict(t, { k: 2 });
      ours.forEach((p, j) => expect(Math.abs(p.probability - cli[i][j].probability)).toBeLessThanOrEqual(1e-4));
    });
    // round trip: read and encode again, same bytes
    const back = readFastTextModelSync(tmp.file('q.ftz'));
    expect(back.input).toMatchObject({ kind: 'quant', rows: clf.model.data.input.rows });
    expect(Buffer.concat(encodeFastTextModel(back)).equals(readFileSync(tmp.file('q.ftz')))).toBe(true);
  });

  it('cutoff keeps the rows of largest norm (pruned dictionary and n-grams); retraining on the data; the CLI reads it', async () => {
    const q = await clf.quantize({ cutoff: 300, retrain: true, input: tmp.file('train.txt'), epoch: 2, thread: 1, qnorm: true });
    const d = q.model.data.dictionary;
    expect(q.model.data.input.rows).toBe(300);
    expect(d.pruneIndex).toBeDefined();
    expect(d.nwords + d.pruneIndex!.size).toBe(300);
    expect(d.words).toContain('</s>');
    q.model.saveSync(tmp.file('cut.ftz'));
    const after = cliP1(tmp.file('cut.ftz'), tmp.file('test.txt'));
    expect(after).toBeGreaterThanOrEqual(0.9);
    expect(after).toBeCloseTo(q.test(test, 1).precision, 3);
  });

  it('bad input: retrain without data, quantizing a quantized model, too few rows for qout', async () => {
    await expect(clf.quantize({ cutoff: 300, retrain: true })).rejects.toThrow(/retrain needs the training data/);
    const q = await clf.quantize({});
    await expect(q.quantize({})).rejects.toThrow(/already quantized/);
    await expect(clf.quantize({ qout: true })).rejects.toThrow(UsageError);
    await expect(clf.quantize({ qout: true })).rejects.toThrow(/4 rows, needs at least 256/);
  });
});
