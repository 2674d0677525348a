import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { readBvecs, readFvecs, readIvecs, readVecs, readVecsSync } from '../../../src/io/matrix/vecs-read.js';
import { streamVecs } from '../../../src/io/matrix/vecs-stream.js';
import { writeBvecs, writeFvecs, writeIvecs, writeVecsSync } from '../../../src/io/matrix/vecs-write.js';
import { expectFileError, expectSameFloats, listDir, makeKv, makeTempDir, runPython } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** An fvecs file built by hand, one row per entry: [dimension field, ...float values]. */
function handFvecs(name: string, rows: [number, number[]][], extra: Uint8Array = new Uint8Array(0)): string {
  const parts = rows.map(([d, values]) => {
    const row = Buffer.alloc(4 + 4 * values.length);
    row.writeInt32LE(d, 0);
    values.forEach((v, i) => row.writeFloatLE(v, 4 + 4 * i));
    return row;
  });
  const file = tmp.file(name);
  fs.writeFileSync(file, Buffer.concat([...parts, extra]));
  return file;
}

const floats = makeKv(37, 5, 3).vectors; // 37 × 5 with -0, a denormal and the largest float32

describe('fvecs / ivecs / bvecs', () => {
  it('round-trips every kind bit for bit (async and sync)', async () => {
    await writeFvecs(tmp.file('a.fvecs'), { data: floats, dim: 5 });
    const f = await readFvecs(tmp.file('a.fvecs'));
    expect([f.rows, f.dim]).toEqual([37, 5]);
    expectSameFloats(f.data, floats);
    expect(fs.statSync(tmp.file('a.fvecs')).size).toBe(37 * (4 + 20));

    const ints = Int32Array.from({ length: 12 }, (_, i) => (i % 2 ? -1 : 1) * (i * 123456789));
    writeVecsSync(tmp.file('a.ivecs'), 'ivecs', { data: ints, dim: 4, rows: 3 });
    expect(readVecsSync(tmp.file('a.ivecs'), 'ivecs')).toEqual({ rows: 3, dim: 4, data: ints });
    expect(await readIvecs(tmp.file('a.ivecs'))).toEqual({ rows: 3, dim: 4, data: ints });

    const bytes = Uint8Array.from({ length: 30 }, (_, i) => (i * 37) & 0xff);
    await writeBvecs(tmp.file('a.bvecs'), { data: bytes, dim: 10 });
    expect(await readBvecs(tmp.file('a.bvecs'))).toEqual({ rows: 3, dim: 10, data: bytes });
    expect(fs.statSync(tmp.file('a.bvecs')).size).toBe(3 * 14);
    expect(listDir(tmp.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('matches numpy (the usual fvecs/bvecs recipes, both directions)', async () => {
    const dir = tmp.dir;
    await writeFvecs(tmp.file('ek.fvecs'), { data: floats, dim: 5 });
    const result = runPython(
      `
import numpy as np, sys, json
d = sys.argv[1]
rng = np.random.default_rng(5)
a = rng.standard_normal((9, 7)).astype('float32')
np.hstack([np.full((9, 1), 7, 'int32').view('float32'), a]).tofile(d + '/np.fvecs')
a.tofile(d + '/np-f.raw')
b = rng.integers(0, 256, (4, 6)).astype('uint8')
np.hstack([np.full((4, 1), 6, 'int32').view('uint8'), b]).tofile(d + '/np.bvecs')
b.tofile(d + '/np-b.raw')
# Read embedkit's file the usual way.
x = np.fromfile(d + '/ek.fvecs', dtype='int32')
dim = int(x[0])
m = x.reshape(-1, dim + 1)
assert (m[:, 0] == dim).all()
m[:, 1:].copy().view('float32').tofile(d + '/ek.raw')
print(json.dumps({'rows': int(m.shape[0]), 'dim': dim}))
`,
      [dir],
    );
    expect(result).toEqual({ rows: 37, dim: 5 });
    expect(fs.readFileSync(tmp.file('ek.raw'))).toEqual(Buffer.from(floats.buffer));
    const f = await readFvecs(tmp.file('np.fvecs'));
    expect([f.rows, f.dim]).toEqual([9, 7]);
    expectSameFloats(f.data, new Float32Array(new Uint8Array(fs.readFileSync(tmp.file('np-f.raw'))).buffer));
    const b = await readBvecs(tmp.file('np.bvecs'));
    expect([b.rows, b.dim]).toEqual([4, 6]);
    expect(b.data).toEqual(new Uint8Array(fs.readFileSync(tmp.file('np-b.raw'))));
  });

  it('reads slices with offset and limit (slice semantics)', async () => {
    const file = tmp.file('slice.fvecs');
    await writeFvecs(file, { data: floats, dim: 5 });
    const cases: [number | undefined, number | undefined, number, number][] = [
      [10, 5, 10, 5],
      [undefined, 3, 0, 3],
      [30, undefined, 30, 7],
      [35, 100, 35, 2],
      [37, undefined, 37, 0],
      [99, 1, 37, 0],
      [0, 0, 0, 0],
    ];
    for (const [offset, limit, first, count] of cases) {
      const m = await readFvecs(file, { offset, limit });
      expect([m.rows, m.dim]).toEqual([count, 5]);
      expectSameFloats(m.data, floats.subarray(first * 5, (first + count) * 5));
      expect(readVecsSync(file, 'fvecs', { offset, limit }).rows).toBe(count);
    }
    await expect(readFvecs(file, { offset: -1 })).rejects.toBeInstanceOf(UsageError);
    await expect(readFvecs(file, { limit: 1.5 })).rejects.toBeInstanceOf(UsageError);
  });

  it('streams batches of rows', async () => {
    const file = tmp.file('stream.fvecs');
    await writeFvecs(file, { data: floats, dim: 5 });
    const batches = [];
    for await (const batch of streamVecs(file, 'fvecs', { batchRows: 10 })) batches.push(batch);
    expect(batches.map((b) => [b.firstRow, b.rows, b.dim])).toEqual([
      [0, 10, 5],
      [10, 10, 5],
      [20, 10, 5],
      [30, 7, 5],
    ]);
    expect(new Set(batches.map((b) => b.data.buffer)).size).toBe(4);
    const all = new Float32Array(37 * 5);
    for (const b of batches) all.set(b.data, b.firstRow * 5);
    expectSameFloats(all, floats);
    const sliced = [];
    for await (const batch of streamVecs(file, 'fvecs', { offset: 5, limit: 8, batchRows: 3 })) sliced.push([batch.firstRow, batch.rows]);
    expect(sliced).toEqual([
      [5, 3],
      [8, 3],
      [11, 2],
    ]);
    let one = 0;
    for await (const batch of streamVecs(file, 'fvecs')) one += batch.rows;
    expect(one).toBe(37);
    await expect(streamVecs(file, 'fvecs', { batchRows: 0 }).next()).rejects.toBeInstanceOf(UsageError);
  });

  describe('errors name the file and the problem', () => {
    it('rows of another dimension', async () => {
      const rows: [number, number[]][] = Array.from({ length: 20 }, () => [3, [1, 2, 3]]);
      rows[17] = [2, [1, 2, 3]];
      const file = handFvecs('mixed.fvecs', rows);
      await expectFileError(() => readFvecs(file), file, /: row 17 has dimension 2, row 0 has 3$/);
      await expectFileError(() => readFvecs(file, { offset: 15 }), file, /row 17 has dimension 2, row 0 has 3/);
      expect((await readFvecs(file, { limit: 17 })).rows).toBe(17);
      const iter = streamVecs(file, 'fvecs', { batchRows: 8 });
      expect((await iter.next()).value?.rows).toBe(8);
      expect((await iter.next()).value?.rows).toBe(8);
      await expectFileError(() => iter.next(), file, /row 17 has dimension 2, row 0 has 3/);
    });

    it('truncated last row, file size not a whole number of rows', async () => {
      const rows: [number, number[]][] = Array.from({ length: 5 }, () => [100, new Array(100).fill(0.5)]);
      const full = fs.readFileSync(handFvecs('full.fvecs', rows));
      const cut = tmp.file('cut.fvecs');
      fs.writeFileSync(cut, full.subarray(0, 4 * 404 + 200));
      await expectFileError(() => readFvecs(cut), cut, /: truncated: row 4 needs 404 bytes, 200 left$/);
      expect(() => readVecsSync(cut, 'fvecs')).toThrow(/cut\.fvecs: truncated: row 4 needs 404 bytes, 200 left/);
      await expectFileError(
        () => readFvecs(cut, { limit: 2 }),
        cut,
        /truncated: row 4 needs 404 bytes, 200 left \(the file size 1816 is not a multiple of the 404-byte rows of dimension 100\)/,
      );
      await expectFileError(() => streamVecs(cut, 'fvecs').next(), cut, /truncated: row 4 needs 404 bytes, 200 left/);
      const tiny = tmp.file('tiny.fvecs');
      fs.writeFileSync(tiny, full.subarray(0, 3));
      await expectFileError(() => readFvecs(tiny), tiny, /truncated: 3 bytes, shorter than the 4-byte dimension of row 0/);
      const headOnly = tmp.file('head.fvecs');
      fs.writeFileSync(headOnly, full.subarray(0, 4));
      await expectFileError(() => readFvecs(headOnly), headOnly, /truncated: row 0 needs 404 bytes, 4 left/);
    });

    it('empty file, dimension ≤ 0, implausible dimension (not a vecs file)', async () => {
      const empty = tmp.file('empty.bvecs');
      fs.writeFileSync(empty, '');
      await expectFileError(() => readBvecs(empty), empty, /empty file \(an \.bvecs file holds at least one row\)/);
      await expectFileError(() => streamVecs(empty, 'bvecs').next(), empty, /empty file/);
      const zero = handFvecs('zero.fvecs', [[0, []]]);
      await expectFileError(() => readFvecs(zero), zero, /row 0 has dimension 0 \(bytes 00 00 00 00\); dimensions must be positive/);
      const negative = handFvecs('neg.fvecs', [[-5, [1, 2]]]);
      await expectFileError(() => readFvecs(negative), negative, /row 0 has dimension -5/);
      const text = tmp.file('text.ivecs');
      fs.writeFileSync(text, '1 2 3\n4 5 6\n');
      await expectFileError(
        () => readIvecs(text),
        text,
        /row 0 has an implausible dimension 540155953 \(bytes 31 20 32 20; more than 16777216\) — not an \.ivecs file\?/,
      );
    });
  });

  it('writers refuse bad input with a UsageError and leave no file', async () => {
    const dir = tmp.file('w');
    fs.mkdirSync(dir);
    const f = `${dir}/x.fvecs`;
    await expect(writeFvecs(f, { data: new Float64Array(4) as unknown as Float32Array, dim: 2 })).rejects.toThrow(
      /\.fvecs data must be a Float32Array, got Float64Array/,
    );
    await expect(writeFvecs(f, { data: new Float32Array(5), dim: 2 })).rejects.toThrow(/not a multiple of dim 2/);
    await expect(writeFvecs(f, { data: new Float32Array(4), dim: 2, rows: 3 })).rejects.toThrow(/rows is 3 but data holds 2 rows/);
    await expect(writeFvecs(f, { data: new Float32Array(0), dim: 2 })).rejects.toThrow(/0 rows/);
    await expect(writeIvecs(f, { data: new Int32Array(2), dim: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(readVecs(f, 'dvecs' as 'fvecs')).rejects.toBeInstanceOf(UsageError);
    expect(listDir(dir)).toEqual([]);
  });
});
