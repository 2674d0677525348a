import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { detectFormat, detectFormatSync } from '../../../src/io/word-vectors/detect.js';
import { FORMATS, formatForPath, getFormat } from '../../../src/io/word-vectors/formats.js';
import { loadVectors, loadVectorsSync } from '../../../src/vectors/load.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { expectFileError, makeKv, makeTempDir, rng } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function write(name: string, content: string | Uint8Array): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, content);
  return file;
}

describe('format detection by content', () => {
  it('recognises every format whatever the file is called, also gzip-compressed', async () => {
    const kv = makeKv(30, 4, 12);
    for (const format of FORMATS) {
      const misleading = tmp.file(`${format.name}.data`);
      await saveVectors(kv, misleading, { format: format.name });
      expect(await detectFormat(misleading)).toEqual({ format: format.name, gzip: false });
      expect(detectFormatSync(misleading)).toEqual({ format: format.name, gzip: false });
      const gz = write(`${format.name}.data.gz`, zlib.gzipSync(fs.readFileSync(misleading)));
      expect(await detectFormat(gz)).toEqual({ format: format.name, gzip: true });
      expect(detectFormatSync(gz)).toEqual({ format: format.name, gzip: true });
      expect((await loadVectors(gz)).size).toBe(30);
      expect(format.detect(fs.readFileSync(misleading), true)).toBe(true);
    }
  });

  it('tells word2vec binary from text for many random dims and values', async () => {
    for (let seed = 0; seed < 30; seed++) {
      const kv = makeKv(3, 1 + (seed % 5), seed);
      await saveVectors(kv, tmp.file('s.bin'));
      expect((await detectFormat(tmp.file('s.bin'))).format).toBe('w2v-binary');
      await saveVectors(kv, tmp.file('s.vec'));
      expect((await detectFormat(tmp.file('s.vec'))).format).toBe('w2v-text');
    }
  });

  const unrecognised: [string, string | Uint8Array, RegExp][] = [
    ['empty.vec', '', /\(empty file\)/],
    ['image.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), /\(found a PNG image\)/],
    ['data.json', '{"vectors": [[1, 2], [3, 4]]}\n', /\(found JSON\)/],
    ['list.json', '  [1, 2, 3]', /\(found JSON\)/],
    ['page.html', '<!doctype html><p>hi</p>', /\(found XML\/HTML\)/],
    ['model.pkl', Buffer.from([0x80, 0x04, 0x95, 0x10, 0, 0]), /\(found a Python pickle — a gensim \.model file\?/],
    ['model.bin', Buffer.from([0xba, 0x16, 0x4f, 0x2f, 0x0c, 0, 0, 0]), /\(found a fastText \.bin model, which is not supported/],
    ['archive.npz', Buffer.from('504b0304140000000800', 'hex'), /\(found a zip archive/],
    ['notes.txt', 'Dear diary,\ntoday I trained vectors.\n', /\(found text whose first line is neither .*"Dear diary,"\)/],
    [
      'random.bin',
      Uint8Array.from(
        { length: 4096 },
        (
          (r) => () =>
            Math.floor(r() * 256)
        )(rng(9)),
      ),
      /\(found binary data starting with bytes [0-9a-f ]+\)/,
    ],
  ];
  for (const [name, content, problem] of unrecognised) {
    it(`rejects ${name} with a clear message`, async () => {
      const file = write(name, content);
      await expectFileError(() => detectFormat(file), file, /not a recognised vector format/);
      await expectFileError(() => loadVectors(file), file, problem);
      await expectFileError(() => loadVectorsSync(file), file, problem);
    });
  }

  it('reports corrupt and truncated gzip data', async () => {
    const good = zlib.gzipSync(Buffer.from('2 2\na 1 2\nb 3 4\n'.repeat(1)));
    const corrupt = write('corrupt.vec.gz', Buffer.concat([good.subarray(0, 10), Buffer.alloc(20, 0xff)]));
    await expectFileError(() => loadVectors(corrupt), corrupt, /corrupt gzip data/);
    await expectFileError(() => loadVectorsSync(corrupt), corrupt, /corrupt gzip data/);
    await saveVectors(makeKv(200, 8, 2), tmp.file('gz-source.vec'));
    const big = zlib.gzipSync(fs.readFileSync(tmp.file('gz-source.vec')));
    const cut = write('cut.vec.gz', big.subarray(0, big.length - 12));
    await expectFileError(() => loadVectors(cut, { format: 'w2v-text' }), cut, /truncated gzip data/);
    await expectFileError(() => loadVectorsSync(cut, { format: 'w2v-text' }), cut, /truncated gzip data/);
  });

  it('accepts a UTF-8 byte-order mark in text files', async () => {
    const w2v = write('bom.vec', '\ufeff2 2\na 1 2\nb 3 4\n');
    expect([...(await loadVectors(w2v)).words]).toEqual(['a', 'b']);
    const glove = write('bom.txt', '\ufeffthe 1 2\nof 3 4\n');
    expect([...(await loadVectors(glove)).words]).toEqual(['the', 'of']);
    expect([...loadVectorsSync(glove, { format: 'glove' }).words]).toEqual(['the', 'of']);
  });

  it('names a directory given as a vector file', async () => {
    fs.mkdirSync(tmp.file('adir'));
    for (const format of ['auto', ...FORMATS.map((f) => f.name)] as const) {
      await expectFileError(() => loadVectors(tmp.file('adir'), { format }), tmp.file('adir'), /is a directory, not a vector file/);
      await expectFileError(() => loadVectorsSync(tmp.file('adir'), { format }), tmp.file('adir'), /is a directory/);
    }
  });

  it('passes system errors through and rejects bad options', async () => {
    await expect(loadVectors(tmp.file('missing.vec'))).rejects.toMatchObject({ code: 'ENOENT' });
    const file = write('ok.vec', '1 1\na 1\n');
    await expect(loadVectors(file, { format: 'word2vec' as never })).rejects.toThrow(UsageError);
    await expect(loadVectors(file, { duplicates: 'last' as never })).rejects.toThrow(UsageError);
    expect(() => getFormat('npy')).toThrow(/unknown vector format 'npy' \(known: ekv, w2v-binary, w2v-text, glove\)/);
  });

  it('picks the output format from the extension when unambiguous', () => {
    expect(formatForPath('a/b.ekv').name).toBe('ekv');
    expect(formatForPath('b.BIN').name).toBe('w2v-binary');
    expect(formatForPath('b.vec.gz').name).toBe('w2v-text');
    expect(() => formatForPath('b.txt')).toThrow(/fits w2v-text and glove; pass format/);
    expect(() => formatForPath('model')).toThrow(UsageError);
  });
});
