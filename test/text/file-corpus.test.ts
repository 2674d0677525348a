import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedkitError, FileFormatError, UsageError } from '../../src/errors.js';
import { FileCorpus } from '../../src/text/file-corpus.js';
import { Tokenizer } from '../../src/text/tokenizer.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const MIXED = 'héllo wörld\n我喜欢机器学习\r\n😀 emoji 👍🏽\n\nlast line';
const MIXED_LINES = ['héllo wörld', '我喜欢机器学习', '😀 emoji 👍🏽', '', 'last line'];
/** Long enough that 64-byte gunzip output chunks (zlib's minimum) cut characters too. */
const MIXED_LONG = Array.from({ length: 30 }, (_, i) => `${i} ${MIXED}`).join('\n');

describe('FileCorpus', () => {
  let dir: string;
  const f = (...parts: string[]): string => join(dir, ...parts);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'embedkit-corpus-'));
    await mkdir(f('parts'));
    await writeFile(f('parts', 'p2.txt'), 'two a\ntwo b\n');
    await writeFile(f('parts', 'p1.txt'), 'one a\none b');
    await writeFile(f('parts', 'p3.txt.gz'), gzipSync('three a\nthree b\n'));
    await writeFile(f('mixed.txt'), MIXED);
    await writeFile(f('mixed.gz'), gzipSync(MIXED));
    await writeFile(f('mixed-long.txt'), MIXED_LONG);
    await writeFile(f('mixed-long.gz'), gzipSync(MIXED_LONG));
    await writeFile(f('gzip-without-extension.dat'), gzipSync('hidden gzip\n'));
    await writeFile(f('bom-crlf.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('first\r\nsecond\r\n')]));
    await writeFile(f('empty.txt'), '');
    await writeFile(f('empty.txt.gz'), gzipSync(''));
    const big = gzipSync('lorem ipsum dolor sit amet\n'.repeat(5000));
    await writeFile(f('truncated.gz'), big.subarray(0, big.length >> 1));
    await writeFile(f('garbage.gz'), 'this is not gzip data at all\n');
    await writeFile(f('garbage-after-magic.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('junk junk junk junk')]));
    await writeFile(f('archive.bz2'), Buffer.from('BZh91AY&SY....'));
    await writeFile(f('latin1.txt'), Buffer.from('ok\ncaf\xe9\n', 'latin1'));
    await writeFile(f('long.txt'), `${'word '.repeat(100)}end\nshort\n`);
    await writeFile(f('unreadable.txt'), 'secret\n');
    await chmod(f('unreadable.txt'), 0o000);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads several files in order, plain and gzip, and globs sorted', async () => {
    const corpus = await FileCorpus.open(f('parts', '*'));
    expect(corpus.files).toEqual([f('parts', 'p1.txt'), f('parts', 'p2.txt'), f('parts', 'p3.txt.gz')]);
    expect(await collect(corpus.lines())).toEqual(['one a', 'one b', 'two a', 'two b', 'three a', 'three b']);
    const listed = await FileCorpus.open([f('parts', 'p2.txt'), f('parts', 'p1.txt')]);
    expect(await collect(listed.lines())).toEqual(['two a', 'two b', 'one a', 'one b']);
  });

  it('gives identical lines on every pass (restartable)', async () => {
    const corpus = await FileCorpus.open([f('parts', 'p{1,3}.*'), f('mixed.gz')]);
    const first = await collect(corpus.lines());
    const second = await collect(corpus.lines());
    expect(first.length).toBe(4 + MIXED_LINES.length);
    expect(second).toEqual(first);
  });

  it('handles CRLF, a UTF-8 BOM, empty lines and a last line without newline', async () => {
    expect(await collect((await FileCorpus.open(f('bom-crlf.txt'))).lines())).toEqual(['first', 'second']);
    expect(await collect((await FileCorpus.open(f('mixed.txt'))).lines())).toEqual(MIXED_LINES);
  });

  it('decodes UTF-8 split across read chunks, plain and gzip', async () => {
    const expected = MIXED_LONG.replace(/\r/g, '').split('\n');
    for (const chunkSize of [1, 2, 3, 5, 7, 64, 65, 67]) {
      for (const file of ['mixed.txt', 'mixed.gz', 'mixed-long.txt', 'mixed-long.gz']) {
        const corpus = await FileCorpus.open(f(file), { chunkSize });
        const want = file.startsWith('mixed-long') ? expected : MIXED_LINES;
        expect(await collect(corpus.lines()), `${file} chunk ${chunkSize}`).toEqual(want);
      }
    }
  });

  it('detects gzip by magic bytes, not by the name', async () => {
    expect(await collect((await FileCorpus.open(f('gzip-without-extension.dat'))).lines())).toEqual(['hidden gzip']);
  });

  it('reads an empty file (plain or gzip) as zero lines', async () => {
    const corpus = await FileCorpus.open([f('empty.txt'), f('empty.txt.gz')]);
    expect(await collect(corpus.lines())).toEqual([]);
  });

  it('splits lines longer than maxLineBytes at spaces', async () => {
    const corpus = await FileCorpus.open(f('long.txt'), { maxLineBytes: 64 });
    const lines = await collect(corpus.lines());
    expect(lines.at(-1)).toBe('short');
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(64);
    expect(lines.slice(0, -1).join(' ').split(' ')).toEqual([...Array(100).fill('word'), 'end']);
  });

  it('reports a truncated gzip file as a FileFormatError naming it', async () => {
    const corpus = await FileCorpus.open(f('truncated.gz'), { chunkSize: 4096 });
    const err = await collect(corpus.lines()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect(err).toMatchObject({ file: f('truncated.gz') });
    expect(String(err)).toMatch(/truncated gzip data/);
  });

  it('reports a .gz file that is not gzip, or corrupt gzip data, as a FileFormatError naming it', async () => {
    const garbage = await FileCorpus.open(f('garbage.gz'));
    await expect(collect(garbage.lines())).rejects.toThrow(`${f('garbage.gz')}: has a .gz name but is not gzip data`);
    const corrupt = await FileCorpus.open(f('garbage-after-magic.gz'));
    const err = await collect(corrupt.lines()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect(String(err)).toContain(`${f('garbage-after-magic.gz')}: corrupt gzip data`);
  });

  it('refuses other compression formats', async () => {
    await expect(collect((await FileCorpus.open(f('archive.bz2'))).lines())).rejects.toThrow(/is bzip2-compressed/);
  });

  it("rejects invalid UTF-8 naming file and line, unless invalidUtf8 is 'replace'", async () => {
    await expect(collect((await FileCorpus.open(f('latin1.txt'))).lines())).rejects.toThrow(`${f('latin1.txt')}: invalid UTF-8 on line 2`);
    const lenient = await FileCorpus.open(f('latin1.txt'), { invalidUtf8: 'replace' });
    expect(await collect(lenient.lines())).toEqual(['ok', 'caf\ufffd']);
  });

  it('reports missing files, directories and patterns matching nothing by name', async () => {
    await expect(FileCorpus.open(f('nope.txt'))).rejects.toThrow(`${f('nope.txt')}: no such file`);
    await expect(FileCorpus.open(f('parts'))).rejects.toThrow(`${f('parts')}: is a directory`);
    await expect(FileCorpus.open(f('parts', '*.csv'))).rejects.toThrow(`no files match the pattern '${f('parts', '*.csv')}'`);
  });

  it('reports a file that disappeared after open() by name when reading', async () => {
    const path = f('vanishing.txt');
    await writeFile(path, 'here\n');
    const corpus = await FileCorpus.open(path);
    await rm(path);
    const err = await collect(corpus.lines()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedkitError);
    expect(err).toMatchObject({ code: 'EMBEDKIT_FILE_NOT_FOUND' });
    expect(String(err)).toContain(`${path}: no such file`);
  });

  // Root may read any file, so this can only be checked as another user.
  it.skipIf(process.getuid?.() === 0)('reports an unreadable file by name', async () => {
    await expect(FileCorpus.open(f('unreadable.txt'))).rejects.toThrow(`${f('unreadable.txt')}: permission denied`);
  });

  it('rejects bad options', async () => {
    await expect(FileCorpus.open([])).rejects.toThrow(UsageError);
    await expect(FileCorpus.open(f('mixed.txt'), { maxLineBytes: 2 })).rejects.toThrow(/maxLineBytes/);
    await expect(FileCorpus.open(f('mixed.txt'), { chunkSize: 0 })).rejects.toThrow(/chunkSize/);
    await expect(FileCorpus.open(f('mixed.txt'), { invalidUtf8: 'skip' as 'error' })).rejects.toThrow(/invalidUtf8/);
  });

  it('reports byte progress: total file sizes (compressed for gzip) and bytes read', async () => {
    const corpus = await FileCorpus.open([f('parts', 'p1.txt'), f('parts', 'p3.txt.gz')], { chunkSize: 4 });
    const sizes = [Buffer.byteLength('one a\none b'), gzipSync('three a\nthree b\n').length];
    expect(corpus.fileSizes).toEqual(sizes);
    expect(corpus.totalBytes).toBe(sizes[0] + sizes[1]);
    expect(corpus.progress).toEqual({ bytesRead: 0, totalBytes: corpus.totalBytes, fraction: 0 });
    const seen: number[] = [];
    for await (const batch of corpus.lineBatches()) {
      expect(batch.length).toBeGreaterThan(0);
      seen.push(corpus.bytesRead);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[0]).toBeLessThan(corpus.totalBytes);
    expect(corpus.progress).toEqual({ bytesRead: corpus.totalBytes, totalBytes: corpus.totalBytes, fraction: 1 });
  });

  it('stops when aborted, rejecting with an AbortError', async () => {
    const corpus = await FileCorpus.open(f('parts', '*'), { chunkSize: 2 });
    const controller = new AbortController();
    const lines: string[] = [];
    const err = await (async () => {
      for await (const line of corpus.lines({ signal: controller.signal })) {
        lines.push(line);
        if (lines.length === 2) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(lines).toEqual(['one a', 'one b']);
    await expect(collect(corpus.lines({ signal: AbortSignal.abort() }))).rejects.toMatchObject({ name: 'AbortError' });
    // The corpus is still usable afterwards.
    expect(await collect(corpus.lines())).toHaveLength(6);
  });

  it('yields tokenized sentences, skipping empty lines and splitting long ones', async () => {
    const corpus = await FileCorpus.open([f('mixed.txt'), f('long.txt')]);
    const sentences = await collect(corpus.sentences(new Tokenizer(), { maxSentenceLength: 40 }));
    expect(sentences.slice(0, 4)).toEqual([['héllo', 'wörld'], ['我', '喜欢', '机器', '学习'], ['emoji'], ['last', 'line']]);
    expect(sentences.slice(4).map((s) => s.length)).toEqual([40, 40, 21, 1]);
    expect(sentences.slice(4, 7).flat()).toEqual([...Array(100).fill('word'), 'end']);
    expect(sentences.at(-1)).toEqual(['short']);
  });
});
