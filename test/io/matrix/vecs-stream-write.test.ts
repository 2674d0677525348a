import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { readBvecs, readFvecs } from '../../../src/io/matrix/vecs-read.js';
import { openVecsWriter } from '../../../src/io/matrix/vecs-stream-write.js';
import { writeFvecs } from '../../../src/io/matrix/vecs-write.js';
import { listDir, makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('openVecsWriter (rows streamed block by block)', () => {
  it('writes the same file as writeFvecs from blocks of any size, syncing as it goes, visible only at commit', async () => {
    const dim = 5;
    const all = Float32Array.from({ length: 1000 * dim }, (_, i) => Math.sin(i) * 100);
    const whole = tmp.file('whole.fvecs');
    await writeFvecs(whole, { data: all, dim });
    const target = tmp.file('streamed.fvecs');
    fs.writeFileSync(target, 'old');
    // syncBytes of a few rows: most appends end with a flush
    const writer = await openVecsWriter(target, 'fvecs', dim, { syncBytes: 100 });
    const cuts = [0, 1, 1, 7, 300, 301, 999, 1000];
    for (let k = 1; k < cuts.length; k++) await writer.append(all.subarray(cuts[k - 1] * dim, cuts[k] * dim));
    expect(writer.rows).toBe(1000);
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    await writer.commit();
    expect(fs.readFileSync(target).equals(fs.readFileSync(whole))).toBe(true);
    const back = await readFvecs(target);
    expect([back.rows, back.dim]).toEqual([1000, dim]);
    expect(listDir(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a block that is not whole rows (the file is dropped), 0 rows at commit, and a bad dim', async () => {
    const target = tmp.file('bad.fvecs');
    const writer = await openVecsWriter(target, 'fvecs', 4);
    await writer.append(new Float32Array(8));
    await expect(writer.append(new Float32Array(6))).rejects.toThrow(/not a multiple of dim 4/);
    await writer.abort();
    expect(fs.existsSync(target)).toBe(false);
    const empty = await openVecsWriter(target, 'fvecs', 4);
    await empty.append(new Float32Array(0));
    await expect(empty.commit()).rejects.toThrow(/0 rows/);
    expect(fs.existsSync(target)).toBe(false);
    await expect(openVecsWriter(target, 'fvecs', 0)).rejects.toBeInstanceOf(UsageError);
    await expect(openVecsWriter(target, 'fvecs', 4, { syncBytes: -1 })).rejects.toBeInstanceOf(UsageError);
    const wrongType = await openVecsWriter(target, 'fvecs', 4);
    await expect(wrongType.append(new Uint8Array(4) as unknown as Float32Array)).rejects.toThrow(/must be a Float32Array/);
    await wrongType.abort();
    expect(listDir(tmp.dir).filter((f) => f.startsWith('.bad'))).toEqual([]);
  });

  it('an aborted writer leaves the old file; .bvecs rows stream too', async () => {
    const target = tmp.file('codes.bvecs');
    const first = await openVecsWriter(target, 'bvecs', 3);
    await first.append(Uint8Array.from([1, 2, 3, 4, 5, 6]));
    await first.commit();
    const second = await openVecsWriter(target, 'bvecs', 3);
    await second.append(Uint8Array.from([9, 9, 9]));
    await second.abort();
    const back = await readBvecs(target);
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
