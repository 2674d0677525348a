import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedkitError } from '../../src/errors.js';
import { expandBraces, expandFilePatterns, isGlobPattern, segmentRegExp } from '../../src/text/glob.js';

describe('glob syntax helpers', () => {
  it('expands braces, nested and repeated, left to right', () => {
    expect(expandBraces('x/{a,b}.txt')).toEqual(['x/a.txt', 'x/b.txt']);
    expect(expandBraces('{a,b{1,2}}-{x,y}')).toEqual(['a-x', 'a-y', 'b1-x', 'b1-y', 'b2-x', 'b2-y']);
    expect(expandBraces('{a,}z')).toEqual(['az', 'z']);
  });

  it('leaves braces without a comma or without a closing brace literal', () => {
    expect(expandBraces('{a}.txt')).toEqual(['{a}.txt']);
    expect(expandBraces('{a,b.txt')).toEqual(['{a,b.txt']);
    expect(expandBraces('{a}{b,c}')).toEqual(['{a}b', '{a}c']);
  });

  it('tells glob patterns from plain paths', () => {
    expect(isGlobPattern('a/*.txt')).toBe(true);
    expect(isGlobPattern('a/file?.txt')).toBe(true);
    expect(isGlobPattern('a/{x,y}.txt')).toBe(true);
    expect(isGlobPattern('a/plain (1).txt')).toBe(false);
    expect(isGlobPattern('a/{x}.txt')).toBe(false);
  });

  it('compiles segments with * and ?, escaping regular-expression characters', () => {
    const re = segmentRegExp('part-?.tx*');
    expect(re.test('part-1.txt')).toBe(true);
    expect(re.test('part-1.txt.gz')).toBe(true);
    expect(re.test('part-12.txt')).toBe(false);
    expect(re.test('part-1xtxt')).toBe(false);
    expect(segmentRegExp('a+(b)').test('a+(b)')).toBe(true);
  });
});

describe('expandFilePatterns', () => {
  let dir: string;
  const f = (...parts: string[]): string => join(dir, ...parts);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'embedkit-glob-'));
    await mkdir(f('data', 'sub', 'deep'), { recursive: true });
    await mkdir(f('data', '.hidden'), { recursive: true });
    for (const p of [
      ['data', 'b.txt'],
      ['data', 'a.txt'],
      ['data', 'c.md'],
      ['data', '.dot.txt'],
      ['data', 'sub', 'x.txt'],
      ['data', 'sub', 'deep', 'y.txt'],
      ['data', '.hidden', 'z.txt'],
      ['data', 'file1.txt'],
      ['data', 'file22.txt'],
    ]) {
      await writeFile(f(...p), 'x\n');
    }
    await mkdir(f('data', 'dir.txt'));
    await symlink(f('data', 'sub'), f('data', 'link'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('matches * within one directory, sorted, files only (not the directory dir.txt), skipping dotfiles', async () => {
    expect(await expandFilePatterns([f('data', '*.txt')])).toEqual([
      f('data', 'a.txt'),
      f('data', 'b.txt'),
      f('data', 'file1.txt'),
      f('data', 'file22.txt'),
    ]);
  });

  it('matches dotfiles when the pattern segment starts with a dot', async () => {
    expect(await expandFilePatterns([f('data', '.*.txt')])).toEqual([f('data', '.dot.txt')]);
  });

  it('matches ? as exactly one character', async () => {
    expect(await expandFilePatterns([f('data', 'file?.txt')])).toEqual([f('data', 'file1.txt')]);
  });

  it('matches ** as zero or more directories, not entering dot directories or symlinks', async () => {
    expect(await expandFilePatterns([f('data', '**', '*.txt')])).toEqual([
      f('data', 'a.txt'),
      f('data', 'b.txt'),
      f('data', 'file1.txt'),
      f('data', 'file22.txt'),
      f('data', 'sub', 'deep', 'y.txt'),
      f('data', 'sub', 'x.txt'),
    ]);
    expect(await expandFilePatterns([f('data', 'sub', '**')])).toEqual([f('data', 'sub', 'deep', 'y.txt'), f('data', 'sub', 'x.txt')]);
  });

  it('follows a symlinked directory named by a plain segment or *', async () => {
    expect(await expandFilePatterns([f('data', 'link', '*.txt')])).toEqual([f('data', 'link', 'x.txt')]);
    expect(await expandFilePatterns([f('data', 'l*', 'x.txt')])).toEqual([f('data', 'link', 'x.txt')]);
  });

  it('expands {a,b} alternatives and directories in the middle', async () => {
    expect(await expandFilePatterns([f('data', '{b,a,c}.{txt,md}')])).toEqual([f('data', 'a.txt'), f('data', 'b.txt'), f('data', 'c.md')]);
    expect(await expandFilePatterns([f('data', 's*', '*', '*.txt')])).toEqual([f('data', 'sub', 'deep', 'y.txt')]);
  });

  it('keeps pattern order and drops repeated files', async () => {
    expect(await expandFilePatterns([f('data', 'b.txt'), f('data', '?.txt')])).toEqual([f('data', 'b.txt'), f('data', 'a.txt')]);
  });

  it('works with relative patterns', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await expandFilePatterns(['data/*.md', 'data/sub/**/*.txt'])).toEqual(['data/c.md', 'data/sub/deep/y.txt', 'data/sub/x.txt']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('throws naming the pattern when it matches nothing', async () => {
    await expect(expandFilePatterns([f('data', '*.csv')])).rejects.toThrow(`no files match the pattern '${f('data', '*.csv')}'`);
    await expect(expandFilePatterns([f('nowhere', '**', '*.txt')])).rejects.toMatchObject({ code: 'EMBEDKIT_NO_MATCH' });
  });

  it('throws naming the file for a missing plain path or a directory', async () => {
    await expect(expandFilePatterns([f('data', 'missing.txt')])).rejects.toThrow(`${f('data', 'missing.txt')}: no such file`);
    await expect(expandFilePatterns([f('data', 'dir.txt')])).rejects.toThrow(EmbedkitError);
    await expect(expandFilePatterns([f('data', 'dir.txt')])).rejects.toThrow(/is a directory/);
  });
});
