import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadVectors, loadVectorsSync, loadVectorsWithInfo } from '../../../src/vectors/load.js';
import { saveVectors, saveVectorsSync } from '../../../src/vectors/save.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { expectFileError, expectSameFloats, expectSameVectors, listDir, makeKv, makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function write(name: string, content: string | Buffer): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, content);
  return file;
}

describe('word2vec text format', () => {
  it('round-trips words, order and float32 values exactly (async and sync)', async () => {
    const kv = makeKv(50, 7, 11, { counts: true });
    const file = tmp.file('rt.vec');
    await saveVectors(kv, file);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('50 7');
    const back = await loadVectors(file);
    expectSameVectors(back, kv);
    expect(back.counts).toBeUndefined(); // the format has no counts
    saveVectorsSync(kv, tmp.file('rt-sync.txt'), { format: 'w2v-text' });
    expectSameVectors(loadVectorsSync(tmp.file('rt-sync.txt')), kv);
  });

  it('keeps unicode words', async () => {
    const words = ['café', '日本語', 'emoji😀', 'Ωμέγα', 'a\u00a0b'];
    const kv = makeKv(5, 3, 2, { words });
    const file = tmp.file('unicode.vec');
    await saveVectors(kv, file);
    expectSameVectors(await loadVectors(file), kv);
  });

  it('reads only the first `limit` vectors', async () => {
    const kv = makeKv(40, 4, 3);
    const file = tmp.file('limit.vec');
    await saveVectors(kv, file);
    const head = await loadVectors(file, { limit: 5 });
    expect([...head.words]).toEqual(kv.words.slice(0, 5));
    expectSameFloats(head.vectors, kv.vectors.subarray(0, 20));
    expect((await loadVectors(file, { limit: 0 })).size).toBe(0);
    expect((await loadVectors(file, { limit: 1000 })).size).toBe(40);
    await expect(loadVectors(file, { limit: -1 })).rejects.toBeInstanceOf(UsageError);
    await expect(loadVectors(file, { limit: 1.5 })).rejects.toBeInstanceOf(UsageError);
  });

  it('tolerates CRLF, trailing blanks, tabs, blank lines and a missing final newline', async () => {
    const file = write('messy.vec', '2 3 \r\nhello 1 2.5\t-3 \r\n\r\nworld\t0.5 1e-3 +4');
    const kv = await loadVectors(file);
    expect([...kv.words]).toEqual(['hello', 'world']);
    expect([...kv.vectors]).toEqual([1, 2.5, -3, 0.5, Math.fround(1e-3), 4]);
  });

  it('reads and writes gzip transparently', async () => {
    const kv = makeKv(30, 5, 4);
    const file = tmp.file('vectors.vec.gz');
    await saveVectors(kv, file);
    expect(fs.readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const info = await loadVectorsWithInfo(file);
    expect(info.gzip).toBe(true);
    expect(info.format).toBe('w2v-text');
    expectSameVectors(info.vectors, kv);
    expectSameVectors(loadVectorsSync(file), kv);
    const plain = fs.readFileSync(tmp.file('rt.vec'));
    const gz = write('from-zlib.txt.gz', zlib.gzipSync(plain));
    expect((await loadVectors(gz, { limit: 3 })).size).toBe(3);
  });

  it('refuses words that cannot be stored, without touching the target', async () => {
    const file = write('keep.vec', '1 1\nold 1\n');
    for (const word of ['two words', 'tab\there', 'new\nline', '']) {
      const kv = new KeyedVectors({ words: [word], vectors: new Float32Array([1]), dim: 1 });
      await expect(saveVectors(kv, file)).rejects.toBeInstanceOf(UsageError);
      expect(() => saveVectorsSync(kv, file)).toThrow(UsageError);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('1 1\nold 1\n');
    expect(listDir(tmp.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  describe('errors name the file and the problem', () => {
    const ok = '3 2\na 1 2\nb 3 4\nc 5 6\n';

    it('empty file', async () => {
      const file = write('empty.vec', '');
      await expectFileError(() => loadVectors(file, { format: 'w2v-text' }), file, /empty file/);
      await expectFileError(() => loadVectors(file), file, /not a recognised vector format \(empty file\)/);
    });

    it('truncated in the middle of a vector', async () => {
      const file = write('cut-row.vec', ok.slice(0, ok.indexOf('b 3') + 3));
      await expectFileError(
        () => loadVectors(file),
        file,
        /truncated: header says 3 vectors of dim 2, file ends in vector 2 \(line 3 is incomplete\)/,
      );
      const between = write('cut-between.vec', ok.slice(0, ok.indexOf('c 5')));
      await expectFileError(() => loadVectors(between), between, /truncated: header says 3 vectors of dim 2, file ends after 2/);
    });

    it('truncated in the header', async () => {
      const file = write('cut-header.vec', '3');
      await expectFileError(() => loadVectors(file, { format: 'w2v-text' }), file, /truncated: the file ends in its header line "3"/);
      await expectFileError(
        () => loadVectors(file),
        file,
        /not a recognised vector format \(the file ends inside what looks like a word2vec header/,
      );
    });

    it('header count larger or smaller than the rows', async () => {
      const more = write('more.vec', ok.replace('3 2', '2 2'));
      await expectFileError(() => loadVectors(more), more, /line 4: more vectors than the header's 2/);
      expect((await loadVectors(more, { limit: 2 })).size).toBe(2);
      const fewer = write('fewer.vec', ok.replace('3 2', '5 2'));
      await expectFileError(() => loadVectors(fewer), fewer, /truncated: header says 5 vectors of dim 2, file ends after 3/);
    });

    it('wrong number of values on a row', async () => {
      const short = write('short-row.vec', ok.replace('b 3 4', 'b 3'));
      await expectFileError(
        () => loadVectors(short),
        short,
        /line 3: expected 2 values after the word "b", found 1 \(the header says dim 2\)/,
      );
      const long = write('long-row.vec', ok.replace('b 3 4', 'b 3 4 5'));
      await expectFileError(() => loadVectors(long), long, /line 3: expected 2 values after the word "b", found 3/);
      expect(() => loadVectorsSync(long)).toThrow(/long-row\.vec: line 3: expected 2 values/);
    });

    it('non-numeric values', async () => {
      const file = write('nan-text.vec', ok.replace('c 5 6', 'c 5 six'));
      await expectFileError(() => loadVectors(file), file, /line 4: value 2 of "c" is not a number: "six"/);
    });

    it('header not numeric', async () => {
      const file = write('bad-header.vec', 'many 2\na 1 2\n');
      await expectFileError(
        () => loadVectors(file, { format: 'w2v-text' }),
        file,
        /line 1: expected the header 'count dim' \(two integers\), found "many 2"/,
      );
      const zero = write('zero-dim.vec', '3 0\n');
      await expectFileError(() => loadVectors(zero, { format: 'w2v-text' }), zero, /dimension 0/);
    });

    it('invalid UTF-8 words, unless unicodeErrors is replace', async () => {
      const file = write('latin1.vec', Buffer.concat([Buffer.from('1 2\ncaf'), Buffer.from([0xe9]), Buffer.from(' 1 2\n')]));
      await expectFileError(() => loadVectors(file), file, /line 2: word is not valid UTF-8 \(bytes 0x63 0x61 0x66 0xe9\)/);
      expect([...(await loadVectors(file, { unicodeErrors: 'replace' })).words]).toEqual(['caf\ufffd']);
    });
  });

  it('duplicate words: keep the first with a warning count, or fail', async () => {
    const file = write('dups.vec', '5 1\na 1\nb 2\na 3\nc 5\nb 4\n');
    const warnings: string[] = [];
    const info = await loadVectorsWithInfo(file, { onWarning: (w) => warnings.push(w) });
    expect([...info.vectors.words]).toEqual(['a', 'b', 'c']);
    expect([...info.vectors.vectors]).toEqual([1, 2, 5]);
    expect(info.vectors.get('c')[0]).toBe(5);
    expect(info.duplicatesSkipped).toBe(2);
    expect(info.rowsRead).toBe(5);
    expect(warnings).toEqual([`${file}: skipped 2 duplicate words (kept the first occurrence), e.g. "a"`]);
    await expectFileError(
      () => loadVectors(file, { duplicates: 'error' }),
      file,
      /duplicate word "a" in vectors 1 and 3; use duplicates: .keep-first. to keep the first/,
    );
  });
});
