import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fasttext } from '../helpers/fasttext-cli.js';
import { ROOT } from '../helpers/paths.js';
import { makeTempDir } from '../io/helpers.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('embedkit supervised', () => {
  // six CLI processes: room for a loaded machine
  it('train, predict (stdin, k, threshold), test and quantize; the fastText CLI agrees on P@1', { timeout: 180_000 }, () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => (i % 2 ? '__label__pos good great fine' : '__label__neg bad awful poor') + ` w${i % 13}`,
    );
    writeFileSync(tmp.file('train.txt'), lines.join('\n') + '\n');
    const t = run([
      'supervised',
      'train',
      '--input',
      tmp.file('train.txt'),
      '--output',
      tmp.file('m.bin'),
      '--dim',
      '8',
      '--epoch',
      '5',
      '--wordNgrams',
      '2',
      '--bucket',
      '1000',
      '--json',
    ]);
    expect(t.code, t.err).toBe(0);
    expect(JSON.parse(t.out)).toMatchObject({ examples: 300, labels: 2 });
    const p = run(['supervised', 'predict', tmp.file('m.bin'), '-', '--k', '2', '--threshold', '0.01', '--json'], 'good fine\nawful\n');
    expect(p.code, p.err).toBe(0);
    const { predictions } = JSON.parse(p.out) as { predictions: { label: string }[][] };
    expect(predictions.map((ps) => ps[0].label)).toEqual(['__label__pos', '__label__neg']);
    const r = run(['supervised', 'test', tmp.file('m.bin'), tmp.file('train.txt'), '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ examples: 300, precision: 1, recall: 1 });
    expect(fasttext(['test', tmp.file('m.bin'), tmp.file('train.txt')])).toMatch(/P@1\s+1/);

    // quantize: cutoff with retraining, norms apart; the fastText CLI loads and tests the .ftz
    const q = run([
      'supervised',
      'quantize',
      tmp.file('m.bin'),
      '--output',
      tmp.file('m.ftz'),
      '--input',
      tmp.file('train.txt'),
      '--cutoff',
      '400',
      '--retrain',
      '--epoch',
      '1',
      '--qnorm',
      '--thread',
      '1',
      '--json',
    ]);
    expect(q.code, q.err).toBe(0);
    expect(JSON.parse(q.out)).toMatchObject({ output: tmp.file('m.ftz'), rows: 400 });
    expect(fasttext(['test', tmp.file('m.ftz'), tmp.file('train.txt')])).toMatch(/P@1\s+1/);
    const bad = run(['supervised', 'quantize', tmp.file('m.bin'), '--output', tmp.file('x.ftz'), '--retrain']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--retrain needs --input');
  });

  it('a training file without labels is a one-line error naming it', () => {
    writeFileSync(tmp.file('bad.txt'), 'no labels here\n');
    const r = run(['supervised', 'train', '--input', tmp.file('bad.txt'), '--output', tmp.file('x.bin')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.txt');
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
