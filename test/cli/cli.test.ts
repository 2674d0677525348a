import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { CLASSES, syntheticSentences } from '../helpers/synthetic-corpus.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedkit-cli-'));
  const text = syntheticSentences(20000)
    .map((s) => s.join(' '))
    .join('\n');
  writeFileSync(join(dir, 'corpus.txt.gz'), gzipSync(text));
  writeFileSync(join(dir, 'questions.txt'), ': animals\ncat dog horse cow\ncat dog sheep goat\n: colours\nred green blue yellow\n');
  writeFileSync(join(dir, 'pairs.tsv'), '# test pairs\ncat\tdog\t9\ncat\tred\t1\nbread\tcheese\t8\nfrance\tblue\t0.5\nunknown\tcat\t3\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit CLI', () => {
  it('trains from a .gz corpus (scanned on a worker thread) and prints JSON figures', () => {
    const r = run(
      'train',
      '--input',
      'corpus.txt.gz',
      '--output',
      'model.bin',
      '--format',
      'w2v-binary',
      '--dim',
      '24',
      '--window',
      '3',
      '--min-count',
      '2',
      '--epochs',
      '3',
      '--sample',
      '0',
      '--threads',
      '1',
      '--seed',
      '3',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.vocabSize).toBe(new Set(syntheticSentences(20000).flat()).size);
    expect(j.words).toBe(j.corpusTokens * 3);
    expect(j.seconds).toBeGreaterThan(0);
    expect(j.wordsPerSecond).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'model.bin')).subarray(0, 8).toString()).toMatch(/^\d+ 24\n/);
  });

  it('similar --json has one neighbour list per word, neighbours of the same class first', () => {
    const r = run('similar', 'model.bin', 'cat', 'red', 'nosuchword', '--topn', '3', '--json');
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n')).toHaveLength(1); // compact: one line
    const j = JSON.parse(r.out);
    expect(Object.keys(j.results)).toEqual(['cat', 'red', 'nosuchword']);
    expect(j.results.cat).toHaveLength(3);
    expect(CLASSES.animal).toContain(j.results.cat[0].word);
    expect(CLASSES.color).toContain(j.results.red[0].word);
    expect(j.results.nosuchword).toBeNull();
    expect(j.missing).toEqual(['nosuchword']);
    const human = run('similar', 'model.bin', 'cat');
    expect(human.out).toMatch(/^cat:\n {2}0\.\d{4} {2}\w+/);
  });

  it('analogy, eval analogy and eval pairs print the documented JSON', () => {
    const a = JSON.parse(run('analogy', 'model.bin', 'cat', 'dog', 'horse', '--json').out);
    expect(a.results.length).toBe(5);
    const ev = run('eval', 'analogy', 'model.bin', 'questions.txt', '--json');
    expect(ev.code).toBe(0);
    const e = JSON.parse(ev.out);
    expect(e.total).toBe(3);
    expect(e.correct).toBeGreaterThanOrEqual(0);
    expect(e.accuracy).toBe(e.correct / 3);
    expect(e.sections.map((s: { section: string }) => s.section)).toEqual(['animals', 'colours', 'Total accuracy']);
    const p = JSON.parse(run('eval', 'pairs', 'model.bin', '--pairs', 'pairs.tsv', '--json').out);
    expect(p.pairs).toBe(4);
    expect(p.oovRatio).toBeCloseTo(20, 6);
    expect(p.spearman).toBeGreaterThan(0);
  });

  it('converts between formats, and every command reads any format', () => {
    expect(run('convert', 'model.bin', 'model.ekv').code).toBe(0);
    expect(run('convert', 'model.ekv', 'model.txt', '--to', 'w2v-text').code).toBe(0);
    const fromEkv = JSON.parse(run('similar', 'model.ekv', 'cat', '--json').out);
    const fromTxt = JSON.parse(run('similar', 'model.txt', 'cat', '--json').out);
    const fromBin = JSON.parse(run('similar', 'model.bin', 'cat', '--json').out);
    expect(fromEkv).toEqual(fromBin);
    expect(fromTxt.results.cat.map((x: { word: string }) => x.word)).toEqual(fromBin.results.cat.map((x: { word: string }) => x.word));
  });

  it('exit codes: 0 for help, 2 for bad usage, 1 for failures, with one clear line', () => {
    expect(run('--help').code).toBe(0);
    expect(run('train', '--help').code).toBe(0);
    const bad = run('train', '--input', 'corpus.txt.gz', '--output', 'x.bin', '--dim', 'ten');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/'ten' is not an integer/);
    expect(run('frobnicate').code).toBe(2);
    const missing = run('train', '--input', 'nope.txt', '--output', 'x.bin');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.txt/);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    writeFileSync(join(dir, 'broken.gz'), gzipSync('some text\n').subarray(0, 15));
    const corrupt = run('train', '--input', 'broken.gz', '--output', 'x.bin', '--min-count', '1');
    expect(corrupt.code).toBe(1);
    expect(corrupt.err).toMatch(/broken\.gz/);
    writeFileSync(join(dir, 'garbage.bin'), Buffer.from('not vectors at all\u0000\u0001'));
    const g = run('similar', 'garbage.bin', 'cat');
    expect(g.code).toBe(1);
    expect(g.err).toMatch(/garbage\.bin/);
    expect(g.err).not.toMatch(/\n\s+at /);
    expect(run('similar', 'garbage.bin', 'cat', '--verbose').err).toMatch(/\n\s+at /);
  });

  it('train passes the tokenizer flags on: --stop-words takes list names and files', () => {
    writeFileSync(join(dir, 'stop.txt'), '# my stop words\ncat\n\ndog\n');
    writeFileSync(join(dir, 'small.txt'), 'the cat and the dog saw a red fox\n'.repeat(50));
    const r = run(
      'train',
      '-i',
      'small.txt',
      '-o',
      'small.txt.vec',
      '-f',
      'w2v-text',
      '--min-count',
      '1',
      '--dim',
      '8',
      '--stop-words',
      'en,stop.txt',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const words = readFileSync(join(dir, 'small.txt.vec'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(' ')[0]);
    expect(words.sort()).toEqual(['fox', 'red', 'saw']);
  });

  it('an unreadable --stop-words file is bad usage (exit 2), named in one line', () => {
    const r = run('train', '-i', 'small.txt', '-o', 'x.vec', '--stop-words', 'en,no-such-stop-words.txt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--stop-words.*cannot read the stop-word file no-such-stop-words\.txt/);
  });
});
