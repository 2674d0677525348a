import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ek-rec-cli-'));
  // two disjoint item groups, 200 sessions each
  let seed = 5;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines: string[] = [];
  for (let s = 0; s < 400; s++) {
    const g = s % 2 === 0 ? 'a' : 'b';
    lines.push(Array.from({ length: 4 }, () => `${g}${Math.floor(rand() * 6)}`).join(' '));
  }
  writeFileSync(join(dir, 'sessions.txt'), `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit recommend', () => {
  it('trains, recommends similar and next items, falls back to popular ones', () => {
    let r = run('recommend', 'train', '-i', 'sessions.txt', '-o', 'm.ekv', '--dim', '8', '--epochs', '10', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ sessions: 400, items: 12 });
    r = run('recommend', 'similar', 'm.ekv', 'a0', 'nope', '-k', '3', '--json');
    const similar = JSON.parse(r.out).results;
    expect(similar.a0.every((x: { item: string }) => x.item.startsWith('a'))).toBe(true);
    expect(similar.nope.every((x: { popular: boolean }) => x.popular)).toBe(true);
    r = run('recommend', 'next', 'm.ekv', 'b1', 'b2', '-k', '2', '--json');
    expect(JSON.parse(r.out).results.map((x: { item: string }) => x.item[0])).toEqual(['b', 'b']);
    writeFileSync(join(dir, 'empty.txt'), '\n\n');
    r = run('recommend', 'train', '-i', 'empty.txt', '-o', 'x.ekv');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/empty\.txt: holds no sessions/);
    expect(run('recommend', 'similar', 'missing.ekv', 'a0').code).toBe(1);
  });
});
