import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { blobs } from '../tasks/cluster/blobs.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;
const n = 200;
const dim = 8;
const { x } = blobs(n, dim, 4, 9);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'project-cli-'));
  // a word2vec text file: a header line, then one word and its vector per line
  const lines = [`${n} ${dim}`];
  for (let i = 0; i < n; i++) lines.push(`w${i} ${Array.from(x.data.subarray(i * dim, (i + 1) * dim)).join(' ')}`);
  writeFileSync(join(dir, 'vectors.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'nan.txt'), `2 2\na 1 NaN\nb 1 2\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit project', () => {
  it('writes the coordinates as TSV with the words and prints a JSON summary', () => {
    const r = run(
      'project',
      'vectors.txt',
      '--method',
      'umap',
      '--dims',
      '3',
      '--seed',
      '1',
      '--threads',
      '1',
      '--output',
      'coords.tsv',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { method: string; n: number; dim: number; dims: number; output: string };
    expect(summary).toMatchObject({ method: 'umap', n, dim, dims: 3, output: 'coords.tsv' });
    const rows = readFileSync(join(dir, 'coords.tsv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id\tx\ty\tz');
    expect(rows).toHaveLength(n + 1);
    const first = rows[1].split('\t');
    expect(first[0]).toBe('w0');
    expect(first.slice(1).map(Number).every(Number.isFinite)).toBe(true);
  });

  it('prints PCA coordinates on stdout, and JSON with --json', () => {
    const r = run('project', 'vectors.txt', '--limit', '50', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(51);
    const j = run('project', 'vectors.txt', '--limit', '50', '--json');
    const parsed = JSON.parse(j.out) as { coords: number[][]; ids: string[]; explainedVarianceRatio: number[] };
    expect(parsed.coords).toHaveLength(50);
    expect(parsed.ids[0]).toBe('w0');
    expect(parsed.explainedVarianceRatio).toHaveLength(2);
  });

  it('rejects bad usage with exit code 2 and one clear line', () => {
    const dims = run('project', 'vectors.txt', '--dims', '4');
    expect(dims.code).toBe(2);
    const method = run('project', 'vectors.txt', '--method', 'mds');
    expect(method.code).toBe(2);
    const few = run('project', 'vectors.txt', '--method', 'tsne', '--limit', '20');
    expect(few.code).toBe(2);
    expect(few.err).toMatch(/perplexity 30 uses 90 neighbours and needs at least 91 vectors, got 20/);
    const missing = run('project', 'nope.txt');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.txt/);
  });

  it('names the file when a value is not a number', () => {
    const r = run('project', 'nan.txt');
    expect(r.code).not.toBe(0);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
