import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openAtomicWriter, writeFileAtomic, writeFileAtomicSync } from '../../../src/io/core/atomic-write.js';
import { readFileBytes } from '../../../src/io/core/read-file.js';
import { listDir, makeTempDir } from '../helpers.js';
import { bytesOf, KEY } from './helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('encrypted writes stay atomic', () => {
  it('a failing source leaves the old file (async and sync) and no temporary file', async () => {
    const target = tmp.file('model.bin');
    await writeFileAtomic(target, 'old model', { encryption: KEY });
    const before = fs.readFileSync(target);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytesOf(300_000); // several chunks reach the temporary file before the failure
      throw new Error('source broke');
    }
    await expect(writeFileAtomic(target, failing(), { encryption: KEY })).rejects.toThrow('source broke');
    expect(fs.readFileSync(target)).toEqual(before);
    function* failingSync(): Generator<Uint8Array> {
      yield bytesOf(300_000);
      throw new Error('sync source broke');
    }
    expect(() => writeFileAtomicSync(target, failingSync(), { encryption: KEY })).toThrow('sync source broke');
    expect(fs.readFileSync(target)).toEqual(before);
    expect((await readFileBytes(target, { key: KEY })).toString()).toBe('old model');
    expect(listDir(tmp.dir)).toEqual(['model.bin']);
  });

  it('an aborted writer leaves the old file; a committed one replaces it whole; writes keep their order', async () => {
    const target = tmp.file('stream.bin');
    fs.writeFileSync(target, 'previous');
    const aborted = await openAtomicWriter(target, { encryption: KEY, chunkBytes: 64 });
    await aborted.write(bytesOf(1000));
    await aborted.abort();
    expect(fs.readFileSync(target, 'utf8')).toBe('previous');
    const writer = await openAtomicWriter(target, { encryption: KEY });
    const parts = [bytesOf(100, 1), bytesOf(5, 2), 'text', bytesOf(2_500_000, 3)];
    // not awaited one by one: the writer must keep the call order
    await Promise.all(parts.map((p, i) => (i === 2 ? Promise.all([writer.flush(), writer.write(p)]) : writer.write(p))));
    expect(fs.readFileSync(target, 'utf8')).toBe('previous'); // nothing visible before commit (a flush included)
    await writer.commit();
    const expected = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    expect((await readFileBytes(target, { key: KEY })).equals(expected)).toBe(true);
    expect(listDir(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const target = tmp.file('private.bin');
    fs.writeFileSync(target, 'x', { mode: 0o600 });
    fs.chmodSync(target, 0o600);
    await writeFileAtomic(target, 'secret', { encryption: KEY });
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });
});
