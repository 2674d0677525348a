import fs from 'node:fs';
import v8 from 'node:v8';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { contentSize, initialRows } from '../../../src/io/word-vectors/push-parser.js';
import { loadVectors, loadVectorsSync, loadVectorsWithInfo } from '../../../src/vectors/load.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { expectFileError, expectSameFloats, expectSameVectors, makeKv, makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function write(name: string, content: string): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, content);
  return file;
}

describe('GloVe text format', () => {
  it('round-trips exactly and has no header line', async () => {
    const kv = makeKv(25, 6, 8, { words: Array.from({ length: 25 }, (_, i) => `ĝlove${i}`) });
    const file = tmp.file('glove.txt');
    await saveVectors(kv, file, { format: 'glove' });
    expect(fs.readFileSync(file, 'utf8').startsWith('ĝlove0 ')).toBe(true);
    const info = await loadVectorsWithInfo(file);
    expect(info.format).toBe('glove');
    expectSameVectors(info.vectors, kv);
    expectSameVectors(loadVectorsSync(file, { format: 'glove' }), kv);
  });

  it('infers the dimension from the first line and honours limit', async () => {
    const file = write('dim.txt', 'the 0.1 0.2 0.3\nof -1 2 3e-2\nand 4 5 6');
    const kv = await loadVectors(file);
    expect(kv.dim).toBe(3);
    expect([...kv.words]).toEqual(['the', 'of', 'and']);
    expectSameFloats(kv.vectors, new Float32Array([0.1, 0.2, 0.3, -1, 2, 3e-2, 4, 5, 6]));
    const head = await loadVectors(file, { limit: 1 });
    expect(head.size).toBe(1);
    const none = await loadVectors(file, { limit: 0, format: 'glove' });
    expect(none.size).toBe(0);
    expect(none.dim).toBe(3);
  });

  it('fails when a line disagrees with the first one', async () => {
    const file = write('ragged.txt', 'a 1 2 3\nb 1 2\n');
    await expectFileError(() => loadVectors(file), file, /line 2: expected 3 values after the word "b", found 2 \(line 1 has 3\)/);
  });

  it('hints at word2vec when a header is read as GloVe', async () => {
    const file = write('header.txt', '2 3\na 1 2 3\nb 4 5 6\n');
    await expectFileError(
      () => loadVectors(file, { format: 'glove' }),
      file,
      /line 2: expected 1 values .*line 1 looks like a word2vec header 'count dim' — read the file as 'w2v-text'/,
    );
    expect((await loadVectors(file)).size).toBe(2); // auto-detection reads it as word2vec text
  });

  it('empty or blank file', async () => {
    const empty = write('empty.txt', '');
    await expectFileError(() => loadVectors(empty, { format: 'glove' }), empty, /empty file/);
    const blank = write('blank.txt', '\n\n  \n');
    await expectFileError(() => loadVectors(blank, { format: 'glove' }), blank, /no vectors \(the file is blank\)/);
    await expectFileError(() => loadVectors(blank), blank, /not a recognised vector format \(the file is blank\)/);
  });

  it('a word with no values', async () => {
    const file = write('novalues.txt', 'lonely\n');
    await expectFileError(() => loadVectors(file, { format: 'glove' }), file, /line 1: no values after the word "lonely"/);
  });

  it('a small gzip file allocates for what its content can hold, not 16 MiB up front (fuzz finding)', async () => {
    // 45 bytes of gzip expand to at most ~46 KB: a row of 3000 values needs ≥ 6001 bytes, so ≤ 8 rows fit
    expect(initialRows(Infinity, 3000, contentSize(45, true), 6001)).toBeLessThanOrEqual(8);
    expect(initialRows(Infinity, 3, contentSize(1 << 30, true), 7)).toBe(Math.floor((1 << 22) / 3) + 1); // big files: as before
    const file = tmp.file('small.txt.gz');
    fs.writeFileSync(file, zlib.gzipSync(`w ${'1 '.repeat(3000)}\nx 1\n`));
    const before = v8.getHeapStatistics().external_memory;
    await expectFileError(() => loadVectors(file), file, /line 2: expected 3000 values/);
    expect(v8.getHeapStatistics().external_memory - before).toBeLessThan(8 << 20);
  });
});
