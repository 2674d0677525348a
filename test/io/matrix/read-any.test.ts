import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { writeJsonlVectors } from '../../../src/io/matrix/jsonl-write.js';
import { writeNpy } from '../../../src/io/matrix/npy-write.js';
import { readVectorsAny } from '../../../src/io/matrix/read-any.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { writeBvecs, writeFvecs, writeIvecs } from '../../../src/io/matrix/vecs-write.js';
import { expectFileError, expectSameFloats, makeKv, makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const kv = makeKv(6, 3, 4);

describe('readVectorsAny', () => {
  it('matrix formats: fvecs/ivecs/bvecs by extension, npy by content', async () => {
    await writeFvecs(tmp.file('a.fvecs'), { data: kv.vectors, dim: 3 });
    const f = await readVectorsAny(tmp.file('a.fvecs'));
    expect([f.format, f.rows, f.dim, f.ids, f.metadata]).toEqual(['fvecs', 6, 3, undefined, undefined]);
    expectSameFloats(f.data, kv.vectors);
    await writeIvecs(tmp.file('a.IVECS'), { data: Int32Array.of(1, -2, 16777216, -16777216), dim: 2 });
    const i = await readVectorsAny(tmp.file('a.IVECS'));
    expect([i.format, Array.from(i.data)]).toEqual(['ivecs', [1, -2, 16777216, -16777216]]);
    await writeBvecs(tmp.file('a.bvecs'), { data: Uint8Array.of(0, 255, 7, 8), dim: 4 });
    const b = await readVectorsAny(tmp.file('a.bvecs'), { limit: 1 });
    expect([b.format, b.rows, b.data]).toEqual(['bvecs', 1, Float32Array.of(0, 255, 7, 8)]);
    await writeNpy(tmp.file('matrix.bin'), { data: kv.vectors, dim: 3 }); // any name: npy has a magic
    const n = await readVectorsAny(tmp.file('matrix.bin'), { limit: 4 });
    expect([n.format, n.rows, n.dim]).toEqual(['npy', 4, 3]);
    expectSameFloats(n.data, kv.vectors.subarray(0, 12));
    await writeNpy(tmp.file('u8.npy'), { data: Uint8Array.of(1, 2, 3, 250), dim: 2 });
    expect((await readVectorsAny(tmp.file('u8.npy'))).data).toEqual(Float32Array.of(1, 2, 3, 250));
  });

  it('integers float32 cannot hold exactly are an error, not rounded', async () => {
    await writeIvecs(tmp.file('big.ivecs'), { data: Int32Array.of(1, 16777217), dim: 2 });
    await expectFileError(
      () => readVectorsAny(tmp.file('big.ivecs')),
      tmp.file('big.ivecs'),
      /int32 value 16777217 at row 0, column 1 cannot be converted to float32 exactly/,
    );
    await writeNpy(tmp.file('big.npy'), { data: Int32Array.of(-20000000), dim: 1 });
    await expectFileError(() => readVectorsAny(tmp.file('big.npy')), tmp.file('big.npy'), /int32 value -20000000/);
  });

  it('JSON Lines by extension or by a first "{"; ids and metadata', async () => {
    const ids = ['x', 'y', 'z', 4, 5, 6];
    await writeJsonlVectors(tmp.file('v.ndjson'), { ids, data: kv.vectors, dim: 3 });
    const plain = await readVectorsAny(tmp.file('v.ndjson'));
    expect([plain.format, plain.ids, plain.metadata]).toEqual(['jsonl', ids, undefined]);
    expectSameFloats(plain.data, kv.vectors);
    const metadata = [{ t: 1 }, undefined, undefined, undefined, undefined, undefined];
    await writeJsonlVectors(tmp.file('records.txt'), { ids, data: kv.vectors, dim: 3, metadata });
    const withMeta = await readVectorsAny(tmp.file('records.txt'), { limit: 2 });
    expect([withMeta.format, withMeta.rows, withMeta.ids, withMeta.metadata]).toEqual(['jsonl', 2, ['x', 'y'], [{ t: 1 }, undefined]]);
    fs.writeFileSync(tmp.file('v.jsonl.gz'), zlib.gzipSync(fs.readFileSync(tmp.file('v.ndjson'))));
    expect((await readVectorsAny(tmp.file('v.jsonl.gz'))).ids).toEqual(ids);
    fs.writeFileSync(tmp.file('broken.jsonl'), 'id,vector\n');
    await expectFileError(() => readVectorsAny(tmp.file('broken.jsonl')), tmp.file('broken.jsonl'), /line 1: invalid JSON/);
  });

  it('word-vector formats through loadVectors (ids = words)', async () => {
    for (const [name, format] of [
      ['w.txt', 'w2v-text'],
      ['w.ekv', 'ekv'],
      ['w.bin.gz', 'w2v-binary'],
    ] as const) {
      await saveVectors(kv, tmp.file(name), { format });
      const v = await readVectorsAny(tmp.file(name));
      expect([v.format, v.rows, v.dim, v.ids], name).toEqual([format, 6, 3, [...kv.words]]);
      expectSameFloats(v.data, kv.vectors);
    }
    expect((await readVectorsAny(tmp.file('w.ekv'), { limit: 2 })).ids).toEqual(['w0', 'w1']);
  });

  it('unrecognised content, gzip-compressed npy, bad arguments', async () => {
    fs.writeFileSync(tmp.file('noise.dat'), Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 0, 0]));
    await expectFileError(
      () => readVectorsAny(tmp.file('noise.dat')),
      tmp.file('noise.dat'),
      /not a recognised vector format \(found binary data.*\); besides word-vector files, embedkit reads \.fvecs\/\.ivecs\/\.bvecs \(by extension\), \.npy and JSON Lines/,
    );
    fs.writeFileSync(tmp.file('m.npy.gz'), zlib.gzipSync(fs.readFileSync(tmp.file('u8.npy'))));
    await expectFileError(
      () => readVectorsAny(tmp.file('m.npy.gz')),
      tmp.file('m.npy.gz'),
      /gzip-compressed \.npy files are not supported/,
    );
    await expect(readVectorsAny('')).rejects.toBeInstanceOf(UsageError);
    await expect(readVectorsAny(tmp.file('a.fvecs'), { limit: -1 })).rejects.toBeInstanceOf(UsageError);
    await expect(readVectorsAny(tmp.file('missing.fvecs'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
