import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Item2Vec } from '../../../src/tasks/recommend/item2vec.js';

/** Sessions of a known process: each picks one of 5 categories and 6 of its 10 items (seeded). */
function sessions(n: number, seed = 3): string[][] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, () => {
    const c = Math.floor(rand() * 5);
    return Array.from({ length: 6 }, () => `c${c}i${Math.floor(rand() * rand() * 10)}`);
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ek-i2v-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const category = (item: string) => item.slice(0, 2);

describe('Item2Vec', () => {
  it('learns the categories; next, cold-start fallback, save/load, determinism', async () => {
    const data = sessions(1500);
    const model = await Item2Vec.fit(data, { dim: 16, epochs: 10, seed: 7 });
    expect(model.size).toBe(50); // precondition: every item seen
    const similar = model.similar('c1i0', 5);
    expect(similar.filter((r) => category(r.item) === 'c1').length).toBeGreaterThanOrEqual(4);
    const next = model.next(['c3i1', 'c3i2'], { k: 5 });
    expect(next.map((r) => r.item)).not.toContain('c3i1');
    expect(next.filter((r) => category(r.item) === 'c3').length).toBeGreaterThanOrEqual(4);
    // cold item and empty history: popularity, flagged
    const cold = model.similar('unknown', 3);
    expect(cold.every((r) => r.popular)).toBe(true);
    expect(cold).toEqual(model.popular(3, ['unknown']));
    expect(model.next([], { k: 2 })).toEqual(model.popular(2));
    const file = path.join(dir, 'items.ekv');
    await model.save(file);
    const back = await Item2Vec.load(file);
    expect(back.similar('c1i0', 5)).toEqual(similar);
    expect(back.popular(5)).toEqual(model.popular(5));
    const again = await Item2Vec.fit(data, { dim: 16, epochs: 10, seed: 7 });
    expect(again.vectors.vectors).toEqual(model.vectors.vectors);
  });

  it('rejects empty or malformed sessions and bad k', async () => {
    await expect(Item2Vec.fit([])).rejects.toThrow(/at least one session/);
    await expect(Item2Vec.fit([['a'], ['b']])).rejects.toThrow(/at least two items/);
    await expect(Item2Vec.fit([['a b', 'c']])).rejects.toThrow(/without spaces/);
    const m = await Item2Vec.fit(sessions(50), { dim: 8, epochs: 2 });
    expect(() => m.similar('c0i0', 0)).toThrow(/positive integer/);
    expect(() => m.next(['c0i0'], { decay: 0 })).toThrow(/decay/);
    await expect(Item2Vec.load(path.join(dir, 'missing.ekv'))).rejects.toThrow(/missing\.ekv/);
  });
});
