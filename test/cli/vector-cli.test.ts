import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FastTextModel } from '../../src/vectors/fasttext/fasttext-model.js';
import { LID_FTZ } from '../helpers/fasttext-cli.js';
import { ROOT } from '../helpers/paths.js';

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

  it('a corrupt model is a one-line error with exit code 1', () => {
    const r = run('vector', join(ROOT, 'package.json'), 'x');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
