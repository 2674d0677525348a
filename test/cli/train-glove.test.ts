import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { syntheticSentences } from '../helpers/synthetic-corpus.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-cli-glove-'));
  writeFileSync(
    join(dir, 'corpus.txt'),
    syntheticSentences(3000)
      .map((s) => s.join(' '))
      .join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit train --model glove', () => {
  it('trains, writes the vectors and prints the JSON figures', () => {
    const r = run(
      'train',
      '--model',
      'glove',
      '-i',
      'corpus.txt',
      '-o',
      'glove.vec',
      '--dim',
      '12',
      '--epochs',
      '3',
      '--x-max',
      '10',
      '--memory',
      '0.01',
      '--min-count',
      '2',
      '--threads',
      '1',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.model).toBe('glove');
    expect(j.epochs).toBe(3);
    expect(j.cooccurrences).toBeGreaterThan(j.vocabSize);
    expect(readFileSync(join(dir, 'glove.vec'), 'utf8').split('\n')[0]).toBe(`${j.vocabSize} 12`);
  });

  it('refuses word2vec-only flags and bad values with exit code 2', () => {
    const bad = run('train', '--model', 'glove', '-i', 'corpus.txt', '-o', 'x.vec', '--negative', '3');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--negative is a word2vec option/);
    const badValue = run('train', '--model', 'glove', '-i', 'corpus.txt', '-o', 'x.vec', '--x-max', 'big');
    expect(badValue.code).toBe(2);
    expect(run('train', '--help').out).toMatch(/--x-max <x>/);
  });
});
