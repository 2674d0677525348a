import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { communities, duplicateGroups } from '../../../src/tasks/match/communities.js';
import { matchTexts } from '../../../src/tasks/match/match-queries.js';
import { minePairs } from '../../../src/tasks/match/paraphrase-mining.js';
import { tinyTextEncoder } from '../search/fixture-encoder.js';

/** n random unit-ish rows in `dim`, with near-copies of some rows appended (seeded). */
function dataWithCopies(n: number, dim: number, copies: number): { rows: number; dim: number; data: Float32Array } {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const data = new Float32Array((n + copies) * dim);
  for (let i = 0; i < n * dim; i++) data[i] = rand();
  for (let c = 0; c < copies; c++) for (let d = 0; d < dim; d++) data[(n + c) * dim + d] = data[c * 3 * dim + d] + 0.05 * rand();
  return { rows: n + copies, dim, data };
}

function bruteForce(m: { rows: number; dim: number; data: Float32Array }, threshold: number): string[] {
  const norm = (i: number) => Math.hypot(...m.data.subarray(i * m.dim, (i + 1) * m.dim));
  const out: string[] = [];
  for (let a = 0; a < m.rows; a++)
    for (let b = a + 1; b < m.rows; b++) {
      let dot = 0;
      for (let d = 0; d < m.dim; d++) dot += m.data[a * m.dim + d] * m.data[b * m.dim + d];
      if (dot / (norm(a) * norm(b)) >= threshold) out.push(`${a}-${b}`);
    }
  return out.sort();
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('paraphrase mining', () => {
  it('finds the same pairs as the brute-force O(n²) scan', async () => {
    const m = dataWithCopies(400, 24, 30);
    const expected = bruteForce(m, 0.95);
    expect(expected.length).toBeGreaterThanOrEqual(30); // precondition: the copies are there
    const pairs = await minePairs(m, { threshold: 0.95 });
    expect(pairs.map((p) => `${p.a}-${p.b}`).sort()).toEqual(expected);
    expect(pairs[0].score).toBeGreaterThanOrEqual(pairs[pairs.length - 1].score);
    const exact = await minePairs(m, { threshold: 0.95, index: 'flat' });
    expect(exact.map((p) => `${p.a}-${p.b}`).sort()).toEqual(expected);
  });

  it('rejects NaN, empty and bad thresholds', async () => {
    await expect(minePairs({ rows: 0, dim: 3, data: new Float32Array(0) })).rejects.toThrow(/empty/);
    await expect(minePairs({ rows: 2, dim: 2, data: new Float32Array([1, 0, NaN, 1]) })).rejects.toThrow(/row 1 has NaN/);
    await expect(minePairs({ rows: 2, dim: 2, data: new Float32Array(3) })).rejects.toThrow(/3 values/);
    await expect(minePairs({ rows: 2, dim: 2, data: new Float32Array(4) }, { threshold: 2 })).rejects.toThrow(/threshold/);
    expect(await minePairs({ rows: 1, dim: 2, data: new Float32Array([1, 0]) })).toEqual([]);
  });
});

describe('groups and communities', () => {
  const pairs = [
    { a: 0, b: 1, score: 0.99 },
    { a: 1, b: 2, score: 0.95 },
    { a: 2, b: 3, score: 0.93 },
    { a: 5, b: 6, score: 0.97 },
    { a: 2, b: 4, score: 0.92 },
  ];
  it('connected components', () => {
    expect(duplicateGroups(8, pairs)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6],
    ]);
    expect(() => duplicateGroups(3, pairs)).toThrow(/outside/);
  });
  it('star communities around the best-connected rows', () => {
    // row 2 has 3 neighbours (1, 3, 4): centre of {1,2,3,4}; 0 is left alone; {5,6}
    expect(communities(8, pairs, 2)).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(communities(8, pairs, 3)).toEqual([[1, 2, 3, 4]]);
  });
});

describe('matchTexts', () => {
  it('matches FAQ questions by meaning, with an optional hybrid re-ranking', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ek-match-'));
    dirs.push(dir);
    const { encoder } = await tinyTextEncoder(dir);
    const faq = ['my cat will purr', 'my puppy will bark', 'the car engine', 'bake bread in the oven'];
    const r = await matchTexts(encoder, ['kitten whiskers', 'automobile wheel', 'loaf of bread'], faq);
    expect(r.map((hits) => hits[0].id)).toEqual([0, 2, 3]);
    const hybrid = await matchTexts(encoder, ['oven'], faq, { mode: 'rrf', k: 2 });
    expect(hybrid[0][0].id).toBe(3);
    await expect(matchTexts(encoder, ['x'], [])).rejects.toThrow(/no candidates/);
  });
});
