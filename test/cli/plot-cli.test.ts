import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/learn/random.js';
import { ROOT } from '../helpers/paths.js';
import { parseSvg } from '../plot/svg-xml.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const HIDE = join(ROOT, 'test/helpers/hide-packages.mjs');
let dir: string;

/** Three themes of twelve words; each word a 16-d vector near its theme's centre. */
const THEMES: Record<string, string[]> = {
  animal: ['cat', 'dog', 'horse', 'cow', 'lion', 'tiger', 'wolf', 'bear', 'mouse', 'sheep', 'goat', 'fox'],
  city: ['paris', 'london', 'berlin', 'rome', 'madrid', 'vienna', 'prague', 'oslo', 'dublin', 'lisbon', 'athens', 'warsaw'],
  verb: ['run', 'walk', 'eat', 'sleep', 'read', 'write', 'sing', 'swim', 'jump', 'think', 'speak', 'build'],
};

function run(args: string[], env: Record<string, string> = {}, preload: string[] = []) {
  const r = spawnSync(process.execPath, [...preload, CLI, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plot-cli-'));
  const rng = new Random(11);
  const lines: string[] = [];
  Object.values(THEMES).forEach((words, t) => {
    const centre = Array.from({ length: 16 }, (_, d) => (d % 3 === t ? 4 : 0));
    for (const w of words) lines.push(`${w} ${centre.map((c) => (c + rng.gaussian() * 0.6).toFixed(4)).join(' ')}`);
  });
  // interleave the themes so that "the first n rows" mixes them, as frequency order would
  const order = Array.from({ length: 36 }, (_, i) => (i % 3) * 12 + Math.floor(i / 3));
  writeFileSync(join(dir, 'model.vec'), `36 16\n${order.map((i) => lines[i]).join('\n')}\n`);
  const labelled = Object.entries(THEMES).flatMap(([theme, words]) => words.slice(0, 8).map((w) => `${w}\t${theme}`));
  writeFileSync(join(dir, 'labels.tsv'), `${labelled.join('\n')}\n`);
  writeFileSync(join(dir, 'words.txt'), 'paris\ncat\nrun\n');
  writeFileSync(join(dir, 'unknown.txt'), 'paris\nkitten\nrun\nparsi\n');
  writeFileSync(join(dir, 'empty.txt'), '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit plot', () => {
  it('draws the top words by PCA, coloured by k-means cluster, as SVG', () => {
    const r = run(['plot', 'model.vec', '--top', '30', '--color-by', 'cluster', '--k', '3', '-o', 'top.svg', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as {
      format: string;
      points: number;
      labelsPlaced: number;
      legend: { name: string; count: number }[];
    };
    expect(summary).toMatchObject({ format: 'svg', points: 30, method: 'pca', colorBy: 'cluster' });
    // k-means on the original vectors finds the three themes: ten points each
    expect(summary.legend.map((e) => e.count)).toEqual([10, 10, 10]);
    const svg = parseSvg(readFileSync(join(dir, 'top.svg'), 'utf8'));
    expect(svg.circles).toBe(30);
    expect(svg.labels).toContain('cat');
    expect(svg.labels).toContain('paris');
    expect(svg.labels).toHaveLength(summary.labelsPlaced);
    expect(svg.legend[0]).toBe('k-means cluster (k = 3)');
    expect(svg.legend.slice(1).every((e) => /^[123] · \w+, \w+, \w+ 10$/.test(e))).toBe(true);
    expect(svg.title[0]).toBe('PCA of 30 words from model.vec');
  });

  it('plots the words of a labels file coloured by label', () => {
    const r = run(['plot', 'model.vec', '--labels', 'labels.tsv', '-o', 'labels.svg', '--width', '500', '--height', '320', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { points: number; width: number; legend: { name: string; count: number }[] };
    expect(summary.points).toBe(24);
    expect(summary.width).toBe(500);
    expect(summary.legend.map((e) => [e.name, e.count])).toEqual([
      ['animal', 8],
      ['city', 8],
      ['verb', 8],
    ]);
    expect(parseSvg(readFileSync(join(dir, 'labels.svg'), 'utf8')).legend).toEqual(['labels.tsv', 'animal 8', 'city 8', 'verb 8']);
  });

  it('is repeatable with a seed: the same bytes twice', () => {
    const args = ['plot', 'model.vec', '--words', 'words.txt', '--seed', '5', '--color-by', 'cluster', '--k', '2'];
    expect(run([...args, '-o', 'a.svg']).code).toBe(0);
    expect(run([...args, '-o', 'b.svg']).code).toBe(0);
    expect(readFileSync(join(dir, 'a.svg'), 'utf8')).toBe(readFileSync(join(dir, 'b.svg'), 'utf8'));
    expect(parseSvg(readFileSync(join(dir, 'a.svg'), 'utf8')).labels.sort()).toEqual(['cat', 'paris', 'run']);
  });

  it('fails clearly on unknown words and empty word lists, writing nothing', () => {
    const unknown = run(['plot', 'model.vec', '--words', 'unknown.txt', '-o', 'u.svg']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe("embedkit: error: unknown.txt: 2 words are not in model.vec: 'kitten' (line 2), 'parsi' (line 4)\n");
    const empty = run(['plot', 'model.vec', '--words', 'empty.txt', '-o', 'e.svg']);
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/empty\.txt: holds no words/);
    expect(existsSync(join(dir, 'u.svg')) || existsSync(join(dir, 'e.svg'))).toBe(false);
  });

  it('rejects bad usage with exit code 2', () => {
    const ext = run(['plot', 'model.vec', '-o', 'out.jpg']);
    expect(ext.code).toBe(2);
    expect(ext.err).toMatch(/out\.jpg: cannot write a plot as '\.jpg': name the output \.svg or \.png/);
    expect(run(['plot', 'model.vec', '--dims', '3', '-o', 'x.svg']).code).toBe(2);
    expect(run(['plot', 'model.vec', '--method', 'mds', '-o', 'x.svg']).code).toBe(2);
    expect(run(['plot', 'model.vec', '--method', 'none', '-o', 'x.svg']).err).toMatch(
      /--method none plots 2-D coordinates, but model\.vec holds 16-D vectors/,
    );
    expect(run(['plot', 'model.vec', '--color-by', 'label', '-o', 'x.svg']).code).toBe(2);
    expect(existsSync(join(dir, 'x.svg'))).toBe(false);
  });

  it('names the npm package PNG output needs when it is missing', () => {
    const r = run(['plot', 'model.vec', '-o', 'p.png'], { EMBEDKIT_TEST_HIDE_PACKAGES: '@resvg/resvg-js' }, ['--import', HIDE]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/PNG output needs the npm package '@resvg\/resvg-js' \(npm install @resvg\/resvg-js/);
    expect(existsSync(join(dir, 'p.png'))).toBe(false);
  });
});
