import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../../src/errors.js';
import { mulberry32 } from '../../../../src/math/random.js';
import { FastTextClassifier } from '../../../../src/vectors/fasttext/supervised/classifier.js';
import { fasttext, LID_FTZ } from '../../../helpers/fasttext-cli.js';
import { makeTempDir } from '../../../io/helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** A separable topic set: each topic has its own words, plus shared noise words. */
function topicLines(n: number, seed: number): string[] {
  const topics: Record<string, string[]> = {
    sport: ['goal', 'match', 'team', 'score', 'coach', 'league'],
    food: ['bread', 'cheese', 'soup', 'recipe', 'oven', 'salt'],
    tech: ['code', 'server', 'bug', 'compile', 'kernel', 'cpu'],
    music: ['song', 'guitar', 'album', 'drum', 'concert', 'tune'],
  };
  const noise = ['the', 'a', 'is', 'of', 'and', 'today', 'very', 'new'];
  const names = Object.keys(topics);
  const rnd = mulberry32(seed);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  return Array.from({ length: n }, () => {
    const t = pick(names);
    const words = Array.from({ length: 6 }, (_, i) => (i % 2 ? pick(noise) : pick(topics[t])));
    return `__label__${t} ${words.join(' ')}`;
  });
}

/** Parses `fasttext predict-prob` output: `__label__a 0.9 __label__b 0.1` per line. */
function parsePredictions(out: string): { label: string; probability: number }[][] {
  return out
    .trimEnd()
    .split('\n')
    .map((l) => {
      const p = l.trim().split(' ').filter(Boolean);
      const r: { label: string; probability: number }[] = [];
      for (let i = 0; i + 1 < p.length; i += 2) r.push({ label: p[i], probability: Number(p[i + 1]) });
      return r;
    });
}

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

  it('bad input: no labels, empty data', () => {
    expect(() => new FastTextClassifier().fit(['just words', 'more words'], 'train.txt')).toThrow(FileFormatError);
    expect(() => new FastTextClassifier().fit(['', '  '], 'train.txt')).toThrow(/no examples/);
  });
});
