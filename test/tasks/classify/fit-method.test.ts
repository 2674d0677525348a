import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors.js';
import { Classifier, type TrainProgress } from '../../../src/tasks/classify/classifier.js';
import { combineFeatures } from '../../../src/tasks/classify/features.js';
import { fitMethod } from '../../../src/tasks/classify/fit-method.js';
import { classifierMethod } from '../../../src/tasks/classify/methods.js';
import { TfidfNgrams } from '../../../src/tasks/classify/tfidf-ngrams.js';
import { topicTexts } from './topics-data.js';

/** Counts timer ticks while `work` runs: a blocked event loop gives (almost) none. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const t0 = performance.now();
  try {
    const result = await work();
    return { result, ticks, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

describe('training off the main thread', () => {
  const train = topicTexts(300, 1);
  const test = topicTexts(60, 2);
  const tfidf = new TfidfNgrams().fit(train.inputs);
  const features = combineFeatures(train.inputs.length, tfidf.transform(train.inputs), undefined);
  const y = Int32Array.from(train.labels, (l) => ['cooking', 'music', 'sport'].indexOf(l));

  it.each(['logistic', 'mlp'])('%s trains on a worker: timers keep firing, progress arrives, repeatable bit for bit', async (name) => {
    const method = classifierMethod(name);
    expect(method.offThread).toBe(true);
    const progress: number[] = [];
    const options = { seed: 3, maxIter: 100, epochs: 15, onProgress: (f: number) => progress.push(f) };
    const off = await ticksDuring(() => fitMethod(method, { features }, y, 3, options));
    // the loop stayed free: about one tick per 5 ms of training (allow a loaded machine)
    expect(off.ms).toBeGreaterThan(20); // precondition: long enough to measure
    expect(off.ticks).toBeGreaterThanOrEqual(Math.floor(off.ms / 5 / 4));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= progress[i - 1]))).toBe(true);
    // the same seed again on a worker: the same state bit for bit
    const again = await fitMethod(method, { features }, y, 3, { seed: 3, maxIter: 100, epochs: 15 });
    expect(JSON.stringify(again.state())).toBe(JSON.stringify(off.result.state()));
    // on the calling thread (here the test runner's transpiled source, the worker the built
    // package) the same model up to rounding
    const here = await method.fit({ features }, y, 3, { seed: 3, maxIter: 100, epochs: 15 });
    const a = off.result.probabilities({ features });
    const b = here.probabilities({ features });
    expect(Array.from(a).every((p, i) => Math.abs(p - b[i]) < 1e-3)).toBe(true);
  });

  it('Classifier.train reports its stages and predicts as before; an abort stops the worker', async () => {
    const seen: TrainProgress[] = [];
    const model = await Classifier.train(train, { method: 'mlp', seed: 1, epochs: 20, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.stage === 'training' && p.method === 'mlp')).toBe(true);
    const pred = await model.predict(test.inputs);
    expect(pred.filter((p, i) => p === test.labels[i]).length / pred.length).toBeGreaterThan(0.85);
    const auto: TrainProgress[] = [];
    await Classifier.train(topicTexts(90, 4), { seed: 1, epochs: 5, autoFolds: 2, onProgress: (p) => auto.push(p) });
    expect(auto.some((p) => p.stage === 'cross-validation')).toBe(true);
    expect(auto.at(-1)?.stage).toBe('training');
    const controller = new AbortController();
    const pending = Classifier.train(train, { method: 'mlp', seed: 1, epochs: 500, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });
});
