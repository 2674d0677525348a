import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadVectors, loadVectorsSync, loadVectorsWithInfo } from '../../../src/vectors/load.js';
import { saveVectors, saveVectorsSync } from '../../../src/vectors/save.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { expectFileError, expectSameFloats, expectSameVectors, makeKv, makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** A binary file built by hand: `newline` after each vector as the C tool does, or not as gensim. */
function binaryFile(
  name: string,
  words: string[],
  values: number[][],
  newline: boolean,
  header = `${words.length} ${values[0].length}\n`,
): string {
  const parts: Buffer[] = [Buffer.from(header)];
  words.forEach((word, i) => {
    parts.push(Buffer.from(`${word} `), Buffer.from(new Float32Array(values[i]).buffer));
    if (newline) parts.push(Buffer.from('\n'));
  });
  const file = tmp.file(name);
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}

describe('word2vec binary format', () => {
  it('round-trips words, order and float32 bits exactly', async () => {
    const kv = makeKv(64, 9, 5, { words: Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? `мир${i}` : `w${i}`)) });
    const file = tmp.file('rt.bin');
    await saveVectors(kv, file);
    expect(fs.statSync(file).size).toBe('64 9\n'.length + kv.words.reduce((n, w) => n + Buffer.byteLength(w) + 2 + 36, 0));
    const info = await loadVectorsWithInfo(file);
    expect(info.format).toBe('w2v-binary');
    expectSameVectors(info.vectors, kv);
    saveVectorsSync(kv, tmp.file('rt-sync.bin.gz'));
    expectSameVectors(loadVectorsSync(tmp.file('rt-sync.bin.gz')), kv);
  });

  it('reads records with and without the trailing newline', async () => {
    const values = [
      [1, -2.5, 3],
      [0.25, 0, -0],
    ];
    for (const newline of [true, false]) {
      const file = binaryFile(`nl-${newline}.bin`, ['hello', 'wörld'], values, newline);
      const kv = await loadVectors(file);
      expect([...kv.words]).toEqual(['hello', 'wörld']);
      expectSameFloats(kv.vectors, new Float32Array(values.flat()));
      expect(loadVectorsSync(file, { format: 'w2v-binary' }).size).toBe(2);
    }
  });

  it('reads records whose bytes contain newlines and spaces (chunk boundaries everywhere)', async () => {
    // 10.0f = 00 00 20 41 contains a space byte; 1.6e-44-ish values contain 0x0a.
    const bits = new Uint32Array([0x41200000, 0x0000000a, 0x0a0a0a0a, 0x20202020]);
    const values = [Array.from(new Float32Array(bits.buffer))];
    const file = binaryFile('tricky.bin', ['x'], values, false);
    expectSameFloats((await loadVectors(file)).vectors, new Float32Array(bits.buffer));
  });

  it('reads only the first `limit` vectors', async () => {
    const kv = makeKv(20, 3, 6);
    const file = tmp.file('limit.bin');
    await saveVectors(kv, file);
    const head = await loadVectors(file, { limit: 7 });
    expect([...head.words]).toEqual(kv.words.slice(0, 7));
    expectSameFloats(head.vectors, kv.vectors.subarray(0, 21));
    expect(loadVectorsSync(file, { limit: 0 }).size).toBe(0);
  });

  it('refuses words with spaces or newlines', async () => {
    const kv = new KeyedVectors({ words: ['a b'], vectors: new Float32Array([1]), dim: 1 });
    await expect(saveVectors(kv, tmp.file('x.bin'))).rejects.toThrow(UsageError);
    expect(fs.existsSync(tmp.file('x.bin'))).toBe(false);
  });

  describe('errors name the file and the problem', () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'eps'];
    const values = words.map((_, i) => [i, i + 0.5, -i, 1 / (i + 1)]);

    it('truncated in the middle of a vector', async () => {
      const full = fs.readFileSync(binaryFile('full.bin', words, values, true));
      const file = tmp.file('cut.bin');
      const cut = '5 4\n'.length + 2 * ('alpha '.length + 17) + 'gamma '.length + 5;
      fs.writeFileSync(file, full.subarray(0, cut));
      await expectFileError(() => loadVectors(file), file, /truncated: expected 5 vectors of dim 4, file ends in vector 3$/);
      expect(() => loadVectorsSync(file)).toThrow(/cut\.bin: truncated: expected 5 vectors of dim 4, file ends in vector 3/);
      const atBoundary = tmp.file('cut2.bin');
      fs.writeFileSync(atBoundary, full.subarray(0, '5 4\n'.length + words.slice(0, 4).reduce((n, w) => n + w.length + 18, 0)));
      await expectFileError(() => loadVectors(atBoundary), atBoundary, /truncated: expected 5 vectors of dim 4, file ends after vector 4$/);
    });

    it('truncated in the header', async () => {
      const file = tmp.file('cut-header.bin');
      fs.writeFileSync(file, '5 ');
      await expectFileError(() => loadVectors(file, { format: 'w2v-binary' }), file, /truncated: the file ends in its header line "5 "/);
    });

    it('empty file', async () => {
      const file = tmp.file('empty.bin');
      fs.writeFileSync(file, '');
      await expectFileError(() => loadVectors(file, { format: 'w2v-binary' }), file, /empty file/);
    });

    it('header count larger or smaller than the data', async () => {
      const more = binaryFile('count-high.bin', words, values, true, '9 4\n');
      await expectFileError(() => loadVectors(more), more, /truncated: expected 9 vectors of dim 4, file ends after vector 5/);
      const fewer = binaryFile('count-low.bin', words, values, true, '3 4\n');
      await expectFileError(() => loadVectors(fewer), fewer, /unexpected data after the 3 vectors the header announces, at byte \d+/);
      expect((await loadVectors(fewer, { limit: 3 })).size).toBe(3);
    });

    it('wrong dimension in the header', async () => {
      const file = binaryFile('dim.bin', words, values, true, '5 3\n');
      await expectFileError(
        () => loadVectors(file),
        file,
        /vector 2 at byte \d+: word contains control byte .*is the dim in the header '5 3' wrong\?/,
      );
    });

    it('duplicates: keep the first, or fail', async () => {
      const file = binaryFile('dup.bin', ['a', 'b', 'a'], [[1], [2], [3]], false);
      const info = await loadVectorsWithInfo(file);
      expect([...info.vectors.words]).toEqual(['a', 'b']);
      expect(info.duplicatesSkipped).toBe(1);
      await expectFileError(() => loadVectors(file, { duplicates: 'error' }), file, /duplicate word "a" in vectors 1 and 3/);
    });
  });
});
