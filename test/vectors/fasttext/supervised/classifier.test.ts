import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../../src/errors.js';
import type { FastTextMatrix } from '../../../../src/io/fasttext/model-data.js';
import { FastTextClassifier } from '../../../../src/vectors/fasttext/supervised/classifier.js';
import { fasttext, LID_FTZ } from '../../../helpers/fasttext-cli.js';
import { makeTempDir } from '../../../io/helpers.js';
import { parsePredictions, topicLines } from './topic-lines.js';

const tmp = makeTempDir();

/** The bytes of a dense matrix (to compare weights bit for bit). */
function bytes(m: FastTextMatrix): Buffer {
  if (m.kind !== 'dense') throw new Error('expected a dense matrix');
  return Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
}
afterAll(() => tmp.cleanup());

/**
 * Our top-k equals the CLI's: the same probabilities in order, and each of our labels has that
 * probability in the CLI's full ranking (labels tied in probability may come in either order).
 */
function expectSamePredictions(clf: FastTextClassifier, model: string, texts: string[], k: number, threshold = 0): void {
  writeFileSync(tmp.file('q.txt'), texts.join('\n') + '\n');
  const cli = parsePredictions(fasttext(['predict-prob', model, tmp.file('q.txt'), String(k), String(threshold)]));
  const all = parsePredictions(fasttext(['predict-prob', model, tmp.file('q.txt'), String(clf.labels.length), '0']));
  texts.forEach((t, i) => {
    const ours = clf.predict(t, { k, threshold });
    expect(ours.length).toBe(cli[i].length);
    ours.forEach((p, j) => {
      expect(Math.abs(p.probability - cli[i][j].probability)).toBeLessThanOrEqual(1e-4);
      const theirs = all[i].find((c) => c.label === p.label);
      expect(Math.abs(p.probability - theirs!.probability)).toBeLessThanOrEqual(1e-4);
    });
  });
}

describe('fastText supervised classifier', () => {
  const train = topicLines(800, 1);
  const test = topicLines(200, 2);
  beforeAll(() => {
    writeFileSync(tmp.file('train.txt'), train.join('\n') + '\n');
    writeFileSync(tmp.file('test.txt'), test.join('\n') + '\n');
  });

  for (const loss of ['softmax', 'hs', 'ova', 'ns'] as const) {
    it(`${loss}: learns a separable set; its .bin gives the CLI the same P@1 and predictions`, () => {
      const clf = new FastTextClassifier({ loss, dim: 16, epoch: 10, lr: 0.5, wordNgrams: 2, bucket: 10000, seed: 3 }).fit(train);
      const ours = clf.test(test, 1);
      expect(ours.examples).toBe(200);
      expect(ours.precision).toBeGreaterThanOrEqual(0.95);
      // The CLI builds a 10M-entry negative table per load for ns models: compared for the others only.
      if (loss === 'ns') return;
      const file = tmp.file(`${loss}.bin`);
      clf.model.saveSync(file);
      const cli = fasttext(['test', file, tmp.file('test.txt'), '1']);
      expect(Number(/P@1\s+(\S+)/.exec(cli)![1])).toBeCloseTo(ours.precision, 3);
      expectSamePredictions(
        clf,
        file,
        test.slice(0, 20).map((l) => l.replace(/__label__\S+ /, '')),
        3,
      );
    });
  }

  it('reads models trained by the fastText CLI (softmax with word n-grams) and predicts as it does', () => {
    fasttext([
      'supervised',
      '-input',
      tmp.file('train.txt'),
      '-output',
      tmp.file('cli'),
      '-dim',
      '10',
      '-wordNgrams',
      '2',
      '-bucket',
      '5000',
      '-epoch',
      '5',
      '-thread',
      '1',
      '-verbose',
      '0',
    ]);
    const clf = FastTextClassifier.loadSync(tmp.file('cli.bin'));
    expectSamePredictions(clf, tmp.file('cli.bin'), ['goal team the', 'cpu kernel bug', 'unknown words only', 'song'], 4);
    expectSamePredictions(clf, tmp.file('cli.bin'), ['goal team the', 'bread of a'], 4, 0.2);
  });

  it('lid.176.ftz (quantized, hierarchical softmax): same labels and probabilities as the CLI', () => {
    const clf = FastTextClassifier.loadSync(LID_FTZ);
    expect(clf.model.data.args.loss).toBe('hs');
    const texts = ['hello world, how are you today', 'bonjour tout le monde', '今天天气很好', 'der Hund schläft im Garten'];
    expectSamePredictions(clf, LID_FTZ, texts, 3);
    expect(clf.predict('the weather is nice today')[0].label).toBe('__label__en');
    // A threshold above every probability gives no labels (fastText#846 crashed here).
    expect(clf.predict('bonjour', { k: 5, threshold: 0.9999 })).toEqual([]);
  });

  it('one thread with a seed is bit-for-bit repeatable: fit twice, and fitAsync with thread 1, give the same weights', async () => {
    const options = { loss: 'ns' as const, dim: 12, epoch: 3, lr: 0.3, wordNgrams: 2, bucket: 3000, seed: 11 };
    const a = new FastTextClassifier(options).fit(train).model.data;
    const b = new FastTextClassifier(options).fit(train).model.data;
    const c = (await new FastTextClassifier({ ...options, thread: 1 }).fitAsync(tmp.file('train.txt'))).model.data;
    for (const m of [b, c]) {
      expect(bytes(m.input).equals(bytes(a.input))).toBe(true);
      expect(bytes(m.output).equals(bytes(a.output))).toBe(true);
    }
    const other = new FastTextClassifier({ ...options, seed: 12 }).fit(train).model.data;
    expect(bytes(other.input).equals(bytes(a.input))).toBe(false);
  });

  it('fitAsync on 2 worker threads reads the file and learns it; the CLI gives the same P@1', async () => {
    writeFileSync(tmp.file('train3k.txt'), topicLines(3000, 3).join('\n') + '\n');
    const clf = await new FastTextClassifier({ dim: 16, epoch: 5, lr: 0.5, wordNgrams: 2, bucket: 10000, thread: 2 }).fitAsync(
      tmp.file('train3k.txt'),
    );
    expect(clf.lastFit).toMatchObject({ examples: 3000, labels: 4, threads: 2 });
    const ours = clf.test(test, 1);
    expect(ours.precision).toBeGreaterThanOrEqual(0.95);
    clf.model.saveSync(tmp.file('async.bin'));
    const cli = fasttext(['test', tmp.file('async.bin'), tmp.file('test.txt'), '1']);
    expect(Number(/P@1\s+(\S+)/.exec(cli)![1])).toBeCloseTo(ours.precision, 3);
  });

  it('bad input: no labels, empty data', () => {
    expect(() => new FastTextClassifier().fit(['just words', 'more words'], 'train.txt')).toThrow(FileFormatError);
    expect(() => new FastTextClassifier().fit(['', '  '], 'train.txt')).toThrow(/no examples/);
  });
});
