import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../../src/errors.js';
import { readWinkVectors } from '../../../src/encode/text/wink-glove.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-wink-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A file in the wink-embeddings layout: vectors keyed by word, each `[v…, l2norm, row]`, in any order. */
function winkFile(name: string, words: string[], vectors: number[][], order: number[], tweak = (s: string) => s): string {
  const dim = vectors[0].length;
  const entries = order.map((r) => `${JSON.stringify(words[r])}:[${[...vectors[r], Math.hypot(...vectors[r]), r].join(',')}]`);
  const text = `{"precision":8,"l2NormIndex":${dim},"wordIndex":${dim + 1},"size":${words.length},"dimensions":${dim},"words":${JSON.stringify(words)},"vectors":{${entries.join(',')}},"unkVector":[${new Array(dim).fill(0).join(',')}]}`;
  const file = path.join(tmp, name);
  fs.writeFileSync(file, tweak(text));
  return file;
}

const WORDS = ['the', 'say "hi"', 'naïve', 'x'];
const VECS = [
  [0.5, -1.25],
  [1e-3, 2],
  [-0.75, 0.125],
  [3, -4],
];

describe('readWinkVectors', () => {
  it('puts each vector in the row it names, whatever the file order (escaped and UTF-8 words)', async () => {
    const file = winkFile('ok.json', WORDS, VECS, [2, 0, 3, 1]);
    const r = await readWinkVectors(file);
    expect(r.words).toEqual(WORDS);
    expect(r.dim).toBe(2);
    expect(Array.from(r.vectors)).toEqual(Array.from(Float32Array.from(VECS.flat())));
  });

  it('keeps the first `limit` rows', async () => {
    const r = await readWinkVectors(winkFile('limit.json', WORDS, VECS, [3, 1, 0, 2]), { limit: 2 });
    expect(r.words).toEqual(WORDS.slice(0, 2));
    expect(r.rowsInFile).toBe(4);
    expect(Array.from(r.vectors)).toEqual(Array.from(Float32Array.from(VECS.slice(0, 2).flat())));
  });

  it('rejects broken files with the file and the problem named', async () => {
    const bad = async (name: string, tweak: (s: string) => string, problem: RegExp): Promise<void> => {
      const error = await readWinkVectors(winkFile(name, WORDS, VECS, [0, 1, 2, 3], tweak)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileFormatError);
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).toMatch(problem);
    };
    await bad('truncated.json', (s) => s.slice(0, s.indexOf('"x":')), /ends inside the "vectors" object/);
    await bad('short-row.json', (s) => s.replace('[3,-4,5,3]', '[3,5,3]'), /the vector of 'x' has 3 numbers, expected 4/);
    await bad('bad-number.json', (s) => s.replace('[3,-4,5,3]', '[3,-4e,5,3]'), /bad number in the vector of 'x'/);
    await bad('wrong-row.json', (s) => s.replace('[3,-4,5,3]', '[3,-4,5,2]'), /names row 2, which holds 'naïve'/);
    await bad('missing.json', (s) => s.replace(',"x":[3,-4,5,3]', ''), /1 of the first 4 words have no vector/);
    await bad('no-vectors.json', (s) => s.replace('"vectors"', '"vektors"'), /no "vectors"/);
    await bad('empty.json', () => '', /no "vectors"/);
  });
});
