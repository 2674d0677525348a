import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { syntheticSentences } from '../helpers/synthetic-corpus.js';
import { makeTempDir } from '../io/helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const CLI = join(ROOT, 'dist/cli/main.js');

function train(...extra: string[]) {
  const args = ['train', '-i', tmp.file('c.txt'), '-o', tmp.file('ft.vec'), '--model', 'fasttext-skipgram'];
  args.push('--bucket', '2000', '--dim', '8', '--threads', '1', '--epochs', '1', '--min-count', '2', '--json', '-q', ...extra);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('embedkit train --model fasttext-skipgram --epoch-length', () => {
  // 200 words seen once: below --min-count 2, so fastText's budget counts them but never trains them.
  const lines = syntheticSentences(800).map((w) => w.join(' '));
  const letters = (i: number) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));
  for (let i = 0; i < 200; i++) lines.push(`zzonce${letters(i)} ${lines[i].split(' ')[0]}`);
  writeFileSync(tmp.file('c.txt'), lines.join('\n') + '\n');

  it('all-tokens (default) trains until the words reach every token of the corpus (fastText); vocabulary one pass', () => {
    const one = train('--epoch-length', 'vocabulary');
    expect(one.code, one.err).toBe(0);
    const a = JSON.parse(one.out) as { trainedWords: number; corpusTokens: number };
    expect(a.trainedWords).toBeLessThanOrEqual(a.corpusTokens - 200);
    const all = train('--epoch-length', 'all-tokens');
    expect(all.code, all.err).toBe(0);
    const b = JSON.parse(all.out) as { trainedWords: number; corpusTokens: number };
    expect(b.corpusTokens).toBe(a.corpusTokens);
    expect(b.trainedWords).toBeGreaterThanOrEqual(b.corpusTokens);
  });

  it('an unknown mode is a usage error naming the choices (exit code 2)', () => {
    const r = train('--epoch-length', 'twice');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toContain("'twice' is not one of vocabulary, all-tokens");
  });
});
