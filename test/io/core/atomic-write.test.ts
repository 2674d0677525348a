import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { openAtomicWriter, writeFileAtomic, writeFileAtomicSync } from '../../../src/io/core/atomic-write.js';
import { listDir, makeTempDir } from '../helpers.js';

describe('atomic writes', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('creates and replaces a file, leaving no temporary file', async () => {
    const target = tmp.file('out.txt');
    await writeFileAtomic(target, 'first');
    expect(fs.readFileSync(target, 'utf8')).toBe('first');
    await writeFileAtomic(target, [Buffer.from('sec'), 'ond']);
    expect(fs.readFileSync(target, 'utf8')).toBe('second');
    writeFileAtomicSync(target, 'third');
    expect(fs.readFileSync(target, 'utf8')).toBe('third');
    expect(listDir(tmp.dir)).toEqual(['out.txt']);
  });

  it('keeps the old file and removes the temporary file when the data source fails', async () => {
    const target = tmp.file('out.txt');
    fs.writeFileSync(target, 'old content');
    async function* failing(): AsyncGenerator<string> {
      yield 'partial new content';
      throw new Error('source broke');
    }
    await expect(writeFileAtomic(target, failing())).rejects.toThrow('source broke');
    expect(fs.readFileSync(target, 'utf8')).toBe('old content');
    expect(listDir(tmp.dir)).toEqual(['out.txt']);

    function* failingSync(): Generator<string> {
      yield 'partial';
      throw new Error('sync source broke');
    }
    expect(() => writeFileAtomicSync(target, failingSync())).toThrow('sync source broke');
    expect(fs.readFileSync(target, 'utf8')).toBe('old content');
    expect(listDir(tmp.dir)).toEqual(['out.txt']);
  });

  it('abort() discards everything written; the writer refuses further use', async () => {
    const target = tmp.file('out.txt');
    fs.writeFileSync(target, 'old');
    const writer = await openAtomicWriter(target);
    await writer.write('new bytes');
    expect(fs.existsSync(writer.tempPath)).toBe(true);
    expect(listDir(tmp.dir)).toHaveLength(2);
    await writer.abort();
    await writer.abort();
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    expect(listDir(tmp.dir)).toEqual(['out.txt']);
    await expect(writer.write('more')).rejects.toBeInstanceOf(UsageError);
    await expect(writer.commit()).rejects.toBeInstanceOf(UsageError);
  });

  it('flush() puts the bytes written so far in the temporary file, in call order, without making them visible', async () => {
    const target = tmp.file('out.txt');
    fs.writeFileSync(target, 'old');
    const writer = await openAtomicWriter(target);
    // not awaited: the flush must come after both writes
    void writer.write('first ');
    void writer.write(Buffer.from('second '));
    await writer.flush();
    expect(fs.readFileSync(writer.tempPath, 'utf8')).toBe('first second ');
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    await writer.write('third');
    await writer.flush();
    await writer.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('first second third');
    expect(listDir(tmp.dir)).toEqual(['out.txt']);
    await expect(writer.flush()).rejects.toBeInstanceOf(UsageError);
    const loose = await openAtomicWriter(tmp.file('shard.bin'), { durable: false });
    await loose.write('x');
    await loose.flush(); // nothing to sync for a non-durable file, but it still keeps the order
    await loose.commit();
    expect(fs.readFileSync(tmp.file('shard.bin'), 'utf8')).toBe('x');
  });

  it('cleans up when the final rename fails (target is a directory)', async () => {
    const target = tmp.file('a-directory');
    fs.mkdirSync(target);
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(() => writeFileAtomicSync(target, 'data')).toThrow();
    expect(listDir(tmp.dir)).toEqual(['a-directory']);
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });

  it('uses a unique temporary name per writer, in the target directory', async () => {
    const target = tmp.file('out.bin');
    const a = await openAtomicWriter(target);
    const b = await openAtomicWriter(target);
    expect(a.tempPath).not.toBe(b.tempPath);
    expect(listDir(tmp.dir)).toHaveLength(2);
    await a.write('A');
    await b.write('B');
    await a.commit();
    await b.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('B');
    expect(listDir(tmp.dir)).toEqual(['out.bin']);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const target = tmp.file('private.txt');
    fs.writeFileSync(target, 'x');
    fs.chmodSync(target, 0o600);
    await writeFileAtomic(target, 'y');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    writeFileAtomicSync(target, 'z');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });

  it('replaces the file a symlink points to, keeping the link', async () => {
    const real = tmp.file('real.txt');
    const link = tmp.file('link.txt');
    fs.writeFileSync(real, 'old');
    fs.symlinkSync(real, link);
    await writeFileAtomic(link, 'new');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('new');
  });

  it('fails without creating anything when the directory does not exist', async () => {
    await expect(writeFileAtomic(tmp.file('missing/out.txt'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(listDir(tmp.dir)).toEqual([]);
  });
});
