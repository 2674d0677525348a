import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { topicTexts } from '../tasks/classify/topics-data.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const lines = (d: { inputs: string[]; labels: string[] }) => d.inputs.map((t, i) => `__label__${d.labels[i]} ${t}`).join('\n') + '\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'classify-cli-'));
  writeFileSync(join(dir, 'train.txt'), lines(topicTexts(150, 1)));
  writeFileSync(join(dir, 'test.txt'), lines(topicTexts(60, 2)));
  writeFileSync(join(dir, 'one-class.txt'), '__label__a one two\n__label__a three four\n');
  writeFileSync(join(dir, 'unlabelled.txt'), '__label__a one two\njust text\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit classify', () => {
  it('trains, tests and predicts (fastText format, --json)', () => {
    let r = run('classify', 'train', '--input', 'train.txt', '--output', 'model.json', '--method', 'logistic', '--folds', '3', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { examples: number; classes: number; crossValidation: { meanMacroF1: number } };
    expect(summary.examples).toBe(150);
    expect(summary.classes).toBe(3);
    expect(summary.crossValidation.meanMacroF1).toBeGreaterThan(0.8);

    r = run('classify', 'test', 'model.json', 'test.txt', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { accuracy: number; macroF1: number; microF1: number; perClass: unknown[]; confusion: number[][] };
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['accuracy', 'macroF1', 'microF1', 'perClass', 'confusion']));
    expect(report.macroF1).toBeGreaterThan(0.85);
    expect(report.confusion.flat().reduce((a, b) => a + b)).toBe(60);

    r = run('classify', 'predict', 'model.json', '--text', 'guitar song concert', '--k', '3', '--json');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out) as { predictions: { labels: { label: string; probability: number }[] }[] };
    expect(p.predictions[0].labels.map((l) => l.label)[0]).toBe('music');
    expect(p.predictions[0].labels).toHaveLength(3);

    r = run('classify', 'test', 'model.json', 'test.txt');
    expect(r.out).toMatch(/^macro F1\s+\d\.\d{4}/m);
  });

  it('fails with one clear line on bad input and writes no model', () => {
    let r = run('classify', 'train', '--input', 'one-class.txt', '--output', 'bad.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/at least 2 classes/);
    r = run('classify', 'train', '--input', 'unlabelled.txt', '--output', 'bad.json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unlabelled\.txt: line 2 has no __label__/);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    r = run('classify', 'test', 'train.txt', 'test.txt');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/train\.txt: is not a classifier model/);
    r = run('classify', 'predict', 'model.json');
    expect(r.code).toBe(2);
  });
});
