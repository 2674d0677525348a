import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FastTextModel } from '../../src/vectors/fasttext/fasttext-model.js';
import { fasttext, LID_FTZ, parseWordVectors } from '../helpers/fasttext-cli.js';
import { ROOT } from '../helpers/paths.js';
import { syntheticSentences } from '../helpers/synthetic-corpus.js';
import { makeTempDir } from '../io/helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const CLI = join(ROOT, 'dist/cli/main.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('embedkit vector', () => {
  it('prints in- and out-of-vocabulary vectors of a quantized fastText model as JSON', () => {
    const r = run('vector', LID_FTZ, 'hello', 'qwertyuiopzz', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { vectors } = JSON.parse(r.out) as { vectors: Record<string, number[]> };
    const model = FastTextModel.loadSync(LID_FTZ);
    expect(Object.keys(vectors)).toEqual(['hello', 'qwertyuiopzz']);
    expect(vectors.hello).toEqual(Array.from(model.wordVector('hello')));
    expect(vectors.qwertyuiopzz).toHaveLength(16);
  });

  it('train --model fasttext-cbow writes a .bin the fastText CLI reads; vector gives OOV vectors', () => {
    writeFileSync(
      tmp.file('c.txt'),
      syntheticSentences(2000)
        .map((w) => w.join(' '))
        .join('\n'),
    );
    const t = run(
      'train',
      '-i',
      tmp.file('c.txt'),
      '-o',
      tmp.file('ft.bin'),
      '--model',
      'fasttext-cbow',
      '--bucket',
      '3000',
      '--dim',
      '16',
      '--threads',
      '1',
      '--min-count',
      '2',
      '--json',
      '-q',
    );
    expect(t.code, t.err).toBe(0);
    expect(JSON.parse(t.out)).toMatchObject({ vocabSize: expect.any(Number), dim: 16 });
    const v = run('vector', tmp.file('ft.bin'), 'cats', '--json');
    expect(v.code, v.err).toBe(0);
    const ours = (JSON.parse(v.out) as { vectors: Record<string, number[]> }).vectors.cats;
    const [cli] = parseWordVectors(fasttext(['print-word-vectors', tmp.file('ft.bin')], 'cats\n'));
    cli.vector.forEach((x, i) => expect(Math.abs(ours[i] - x)).toBeLessThanOrEqual(Math.max(1e-5, Math.abs(x) * 1e-4)));
  });

  it('a corrupt model is a one-line error with exit code 1', () => {
    const r = run('vector', join(ROOT, 'package.json'), 'x');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
