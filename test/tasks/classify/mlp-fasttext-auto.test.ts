import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, UsageError } from '../../../src/errors.js';
import { Classifier } from '../../../src/tasks/classify/classifier.js';
import { crossValidate } from '../../../src/tasks/classify/cross-validate.js';
import { topicTexts } from './topics-data.js';

const dir = mkdtempSync(join(tmpdir(), 'classifier-methods-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = topicTexts(240, 1);
const test = topicTexts(90, 2);

const accuracy = (pred: string[]) => pred.filter((p, i) => p === test.labels[i]).length / pred.length;

describe('mlp and fasttext methods', () => {
  it.each(['mlp', 'fasttext'])('%s separates three topics; probabilities sum to 1; save/load keeps its predictions', async (method) => {
    const model = await Classifier.train(train, { method, seed: 3 });
    expect(model.method).toBe(method);
    expect(model.selection).toBeUndefined();
    const p = await model.predictProba(test.inputs);
    expect(accuracy(await model.predict(test.inputs))).toBeGreaterThan(0.9);
    for (let i = 0; i < test.inputs.length; i++) expect(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2]).toBeCloseTo(1, 6);
    const file = join(dir, `${method}.json`);
    await model.save(file);
    const back = await Classifier.load(file);
    expect(back.method).toBe(method);
    expect(await back.predictProba(test.inputs)).toEqual(p);
    expect((await back.predictTop(['guitar album tour'], 2))[0].labels[0].label).toBe('music');
  });

  it.each(['mlp', 'fasttext'])('%s is bit-for-bit repeatable for a seed', async (method) => {
    const a = await Classifier.train(train, { method, seed: 5 });
    const b = await Classifier.train(train, { method, seed: 5 });
    expect(await b.predictProba(test.inputs)).toEqual(await a.predictProba(test.inputs));
  });

  it('mlp: GELU, two hidden layers, dropout and balanced class weights; fasttext: cross-validation', async () => {
    const model = await Classifier.train(train, {
      method: 'mlp',
      hidden: [32, 16],
      activation: 'gelu',
      dropout: 0.2,
      classWeight: 'balanced',
      seed: 1,
    });
    expect(accuracy(await model.predict(test.inputs))).toBeGreaterThan(0.85);
    const cv = await crossValidate(train, { method: 'fasttext', folds: 3 });
    expect(cv.folds).toHaveLength(3);
    expect(cv.meanMacroF1).toBeGreaterThan(0.85);
  });

  it('rejects what a method cannot do, and bad states', async () => {
    await expect(Classifier.train(train, { method: 'fasttext', classWeight: 'balanced' })).rejects.toThrow(/no class weights/);
    await expect(Classifier.train(train, { method: 'mlp', dropout: 1.5 })).rejects.toThrow(UsageError);
    const file = join(dir, 'mlp-bad.json');
    const good = JSON.parse(readFileSync(join(dir, 'mlp.json'), 'utf8')) as { model: { parameters: string[] } };
    good.model.parameters[2] = good.model.parameters[2].slice(8);
    writeFileSync(file, JSON.stringify(good));
    const err = await Classifier.load(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as Error).message).toMatch(/mlp-bad\.json.*mlp parameter array 2 holds \d+ bytes/);
    const ft = JSON.parse(readFileSync(join(dir, 'fasttext.json'), 'utf8')) as { model: { model: string } };
    ft.model.model = ft.model.model.slice(0, 100);
    writeFileSync(file, JSON.stringify(ft));
    await expect(Classifier.load(file)).rejects.toThrow(FileFormatError);
  });
});

describe("the default method ('auto')", () => {
  it('cross-validates logistic, mlp and fasttext on a small text set and keeps the cheapest near the best', async () => {
    const model = await Classifier.train(train);
    const s = model.selection!;
    expect(s.by).toBe('cross-validation');
    expect(s.scores!.map((c) => c.method)).toEqual(['logistic', 'mlp', 'fasttext']);
    const best = Math.max(...s.scores!.map((c) => c.macroF1));
    const chosen = s.scores!.find((c) => c.method === model.method)!;
    expect(chosen.macroF1).toBeGreaterThanOrEqual(best - 0.005);
    expect(s.scores!.slice(0, s.scores!.indexOf(chosen)).every((c) => c.macroF1 < best - 0.005)).toBe(true);
    expect(model.method).toBe(s.method);
    // the same choice for the same data and seed
    expect((await Classifier.train(train)).method).toBe(model.method);
  });

  it('uses the size rule on large sets, and leaves fasttext out with class weights', async () => {
    const big = await Classifier.train(train, { autoMaxRows: 100 });
    expect(big.selection).toMatchObject({ by: 'rule', method: 'logistic' });
    expect(big.method).toBe('logistic');
    const weighted = await Classifier.train(train, { classWeight: 'balanced' });
    expect(weighted.selection!.scores!.map((c) => c.method)).toEqual(['logistic', 'mlp']);
    const tiny = await Classifier.train({ inputs: ['a b', 'c d', 'a c', 'd b'], labels: ['x', 'y', 'x', 'y'], modality: 'text' });
    expect(tiny.selection).toMatchObject({ by: 'rule', method: 'logistic' });
  });
});
