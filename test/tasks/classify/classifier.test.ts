import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import { Random } from '../../../src/learn/random.js';
import { Classifier } from '../../../src/tasks/classify/classifier.js';
import { crossValidate, stratifiedFolds } from '../../../src/tasks/classify/cross-validate.js';
import { parseFastTextLines } from '../../../src/tasks/classify/dataset.js';
import { combineFeatures } from '../../../src/tasks/classify/features.js';
import { fitLinear, softmaxRows } from '../../../src/tasks/classify/linear-model.js';
import { linearScores } from '../../../src/tasks/classify/features.js';
import { classifierMethod, registerClassifierMethod } from '../../../src/tasks/classify/methods.js';
import { topicTexts } from './topics-data.js';

const dir = mkdtempSync(join(tmpdir(), 'classifier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Classifier', () => {
  const train = topicTexts(240, 1);
  const test = topicTexts(90, 2);

  it.each(['logistic', 'svm'])('%s on TF-IDF n-grams separates three topics; save/load keeps its predictions', async (method) => {
    const model = await Classifier.train(train, { method });
    const pred = await model.predict(test.inputs);
    const accuracy = pred.filter((p, i) => p === test.labels[i]).length / pred.length;
    expect(accuracy).toBeGreaterThan(0.9);
    const p = await model.predictProba(test.inputs);
    for (let i = 0; i < test.inputs.length; i++) expect(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2]).toBeCloseTo(1, 9);
    const file = join(dir, `${method}.json`);
    await model.save(file);
    const back = await Classifier.load(file);
    expect(Array.from(await back.predictProba(test.inputs))).toEqual(Array.from(p).map((v) => expect.closeTo(v, 5) as number));
    const top = await back.predictTop(['guitar album tour'], 2);
    expect(top[0].labels[0].label).toBe('music');
    expect(top[0].labels).toHaveLength(2);
  });

  it('logistic regression matches scikit-learn on the same features', () => {
    const rng = new Random(4);
    const n = 120;
    const dim = 5;
    const dense = Float32Array.from({ length: n * dim }, () => rng.gaussian());
    const y = Int32Array.from({ length: n }, (_, i) => {
      const s = dense[i * dim] + 0.5 * dense[i * dim + 1];
      return s > 0.6 ? 2 : s > -0.4 ? 1 : 0;
    });
    const x = combineFeatures(n, undefined, { dim, data: dense });
    const w = fitLinear(x, y, 3, { loss: 'logistic', C: 2, maxIter: 1000 });
    const ours = softmaxRows(linearScores(x, w, 3), 3);
    const py = `
import sys, json, numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
x = np.array(d["x"], dtype=np.float64).reshape(-1, ${dim})
m = LogisticRegression(C=2, max_iter=5000, tol=1e-10).fit(x, d["y"])
print(json.dumps(m.predict_proba(x).ravel().tolist()))`;
    const theirs = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ x: [...dense], y: [...y] }) }).toString(),
    ) as number[];
    expect(new Set(y).size).toBe(3); // precondition
    let worst = 0;
    for (let i = 0; i < theirs.length; i++) worst = Math.max(worst, Math.abs(theirs[i] - ours[i]));
    expect(worst).toBeLessThan(1e-3);
  });

  it('knn votes by the nearest training rows in a VectorIndex and reloads from its state', async () => {
    const rng = new Random(6);
    const n = 90;
    const dim = 6;
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const dense = Float32Array.from({ length: n * dim }, (_, i) => (Math.floor(i / dim) % 3 === i % dim ? 2 : 0) + 0.4 * rng.gaussian());
    const knn = classifierMethod('knn');
    const model = await knn.fit({ features: combineFeatures(n, undefined, { dim, data: dense }) }, y, 3, { neighbors: 5 });
    const query = combineFeatures(2, undefined, { dim, data: Float32Array.from([0, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]) });
    const p = model.probabilities({ features: query });
    expect(p[1]).toBe(1);
    expect(p[3 + 2]).toBe(1);
    const back = knn.load(JSON.parse(JSON.stringify(model.state())), 3, 'm.json');
    expect(Array.from(back.probabilities({ features: query }))).toEqual(Array.from(p));
    expect(() => knn.load({ k: 5, dim: 6, classes: [0], rows: '' }, 3, 'm.json')).toThrow(/m\.json: knn rows hold 0 bytes/);
    await expect(Classifier.train(train, { method: 'knn' })).rejects.toThrow(/knn needs embedding features/);
  });

  it('cross-validates with stratified folds', async () => {
    const folds = stratifiedFolds(train.labels, 4, 0);
    for (let f = 0; f < 4; f++) expect(train.labels.filter((l, i) => folds[i] === f && l === 'sport').length).toBe(20);
    const cv = await crossValidate(train, { folds: 3, method: 'logistic' });
    expect(cv.folds).toHaveLength(3);
    expect(cv.meanMacroF1).toBeGreaterThan(0.85);
  });

  it('takes plug-in methods from the registry', async () => {
    registerClassifierMethod({
      name: 'test-first-word',
      description: 'predicts the class whose training texts most often start with the same word',
      usesFeatures: false,
      fit(data, y, K) {
        const votes = new Map<string, Float64Array>();
        data.texts?.forEach((t, i) => {
          const w = t.split(' ')[0];
          const v = votes.get(w) ?? new Float64Array(K);
          v[y[i]]++;
          votes.set(w, v);
        });
        const model = {
          probabilities: (d: { texts?: readonly string[] }) => {
            const out = new Float64Array((d.texts?.length ?? 0) * K).fill(1 / K);
            d.texts?.forEach((t, i) => {
              const v = votes.get(t.split(' ')[0]);
              if (v) for (let k = 0; k < K; k++) out[i * K + k] = v[k] / v.reduce((a, b) => a + b);
            });
            return out;
          },
          state: () => Object.fromEntries([...votes].map(([w, v]) => [w, [...v]])),
        };
        return model;
      },
      load: () => {
        throw new Error('not saved in this test');
      },
    });
    expect(classifierMethod('test-first-word').usesFeatures).toBe(false);
    const model = await Classifier.train(train, { method: 'test-first-word' });
    expect((await model.predictProba(['zzz'])).length).toBe(3);
  });

  it('rejects bad data and bad model files clearly, writing nothing half', async () => {
    await expect(Classifier.train({ inputs: [], labels: [], modality: 'text' })).rejects.toThrow(/dataset is empty/);
    await expect(Classifier.train({ inputs: ['a b', 'c d'], labels: ['x', 'x'], modality: 'text' })).rejects.toThrow(
      /at least 2 classes.*'x'/,
    );
    await expect(Classifier.train({ inputs: ['a b', 'c d'], labels: ['x', ''], modality: 'text' })).rejects.toThrow(
      /example 1 has no label/,
    );
    await expect(Classifier.train(train, { method: 'nope' })).rejects.toThrow(UsageError);
    expect(() => parseFastTextLines('__label__a one\nno label here\n', 'f.txt')).toThrow(/f\.txt: line 2 has no __label__/);
    await expect(Classifier.train({ inputs: ['x'], labels: ['a'], modality: 'image' })).rejects.toThrow(/at least 2 classes/);
    await expect(Classifier.train({ inputs: ['x', 'y'], labels: ['a', 'b'], modality: 'image' })).rejects.toThrow(/needs --encoder/);

    const model = await Classifier.train(train, { method: 'logistic' });
    const good = join(dir, 'good.json');
    await model.save(good);
    const text = readFileSync(good, 'utf8');
    const cases: [string, string, RegExp][] = [
      ['empty.json', '', /is empty/],
      ['notjson.json', 'hello', /not JSON/],
      ['other.json', '{"format":"something"}', /not a classifier model/],
      ['version.json', text.replace('"version":1', '"version":9'), /model version 9/],
      ['weights.json', text.replace(/"weights":"[^"]{8}/, '"weights":"'), /weights hold \d+ bytes, expected/],
      ['labels.json', text.replace(/"labels":\[[^\]]*\]/, '"labels":["a"]'), /labels must be ≥ 2 distinct strings/],
    ];
    for (const [name, content, message] of cases) {
      writeFileSync(join(dir, name), content);
      const err = await Classifier.load(join(dir, name)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileFormatError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(name);
    }
    // a failed save leaves no file behind
    await expect(model.save(join(dir, 'missing-dir', 'm.json'))).rejects.toThrow();
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
  });
});
