import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/io/core/crc32.js';
import { EKV_FIELD, EKV_HEADER_BYTES } from '../../../src/io/word-vectors/ekv-layout.js';
import { loadVectors, loadVectorsSync, loadVectorsWithInfo } from '../../../src/vectors/load.js';
import { saveVectors, saveVectorsSync } from '../../../src/vectors/save.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { expectFileError, expectSameFloats, expectSameVectors, makeKv, makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** Rewrites the header checksum after a test edits header fields. */
function fixHeaderCrc(bytes: Buffer): void {
  bytes.writeUInt32LE(crc32(bytes.subarray(0, EKV_FIELD.headerCrc)), EKV_FIELD.headerCrc);
}

async function savedBytes(name: string, kv: KeyedVectors): Promise<{ file: string; bytes: Buffer }> {
  const file = tmp.file(name);
  await saveVectors(kv, file);
  return { file, bytes: fs.readFileSync(file) };
}

describe('ekv format', () => {
  it('round-trips words, vectors and counts exactly', async () => {
    const kv = makeKv(33, 5, 9, { counts: true });
    const file = tmp.file('rt.ekv');
    await saveVectors(kv, file);
    const back = await loadVectors(file);
    expectSameVectors(back, kv);
    expect(back.counts).toEqual(kv.counts);
    const noCounts = makeKv(3, 2, 1);
    saveVectorsSync(noCounts, tmp.file('nc.ekv'));
    const nc = loadVectorsSync(tmp.file('nc.ekv'));
    expectSameVectors(nc, noCounts);
    expect(nc.counts).toBeUndefined();
  });

  it('stores any word, including ones the text formats refuse', async () => {
    const words = ['', 'two words', 'new\nline', 'tab\t', '日本語', '😀', 'x'.repeat(5000)];
    const kv = makeKv(words.length, 3, 2, { words });
    const { file } = await savedBytes('words.ekv', kv);
    expectSameVectors(await loadVectors(file), kv);
  });

  it('loads zero-copy: vectors are a 64-byte aligned view into the file buffer', async () => {
    const kv = makeKv(100, 16, 3, { counts: true });
    const { file, bytes } = await savedBytes('view.ekv', kv);
    for (const back of [await loadVectors(file), loadVectorsSync(file)]) {
      expect(back.vectors.buffer.byteLength).toBe(bytes.length);
      expect(back.vectors.byteOffset % 64).toBe(0);
      expect(back.counts!.buffer).toBe(back.vectors.buffer);
    }
  });

  it('limit keeps the first rows', async () => {
    const kv = makeKv(10, 4, 4, { counts: true });
    const { file } = await savedBytes('limit.ekv', kv);
    const head = await loadVectors(file, { limit: 3 });
    expect([...head.words]).toEqual(kv.words.slice(0, 3));
    expectSameFloats(head.vectors, kv.vectors.subarray(0, 12));
    expect([...head.counts!]).toEqual([...kv.counts!.subarray(0, 3)]);
  });

  it('works gzip-compressed and with zero rows', async () => {
    const kv = makeKv(12, 3, 5, { counts: true });
    await saveVectors(kv, tmp.file('z.ekv.gz'));
    const info = await loadVectorsWithInfo(tmp.file('z.ekv.gz'));
    expect(info).toMatchObject({ format: 'ekv', gzip: true });
    expectSameVectors(info.vectors, kv);
    const empty = new KeyedVectors({ words: [], vectors: new Float32Array(0), dim: 7 });
    await saveVectors(empty, tmp.file('empty-kv.ekv'));
    const back = await loadVectors(tmp.file('empty-kv.ekv'));
    expect(back.size).toBe(0);
    expect(back.dim).toBe(7);
  });

  describe('errors name the file and the problem', () => {
    const kv = makeKv(20, 8, 6, { counts: true });

    it('empty file', async () => {
      const file = tmp.file('empty.ekv');
      fs.writeFileSync(file, '');
      await expectFileError(() => loadVectors(file, { format: 'ekv' }), file, /empty file/);
    });

    it('wrong magic', async () => {
      const file = tmp.file('text.ekv');
      fs.writeFileSync(file, 'hello world, this is not ekv');
      await expectFileError(
        () => loadVectors(file, { format: 'ekv' }),
        file,
        /not an ekv file: expected the magic bytes .*found "hello wo"/,
      );
      const { bytes } = await savedBytes('mangled.ekv', kv);
      bytes[4] = 0x0a; // \r\n → \n style damage
      fs.writeFileSync(file, bytes);
      await expectFileError(() => loadVectors(file), file, /not an ekv file: expected the magic bytes/);
    });

    it('future version', async () => {
      const { file, bytes } = await savedBytes('future.ekv', kv);
      bytes.writeUInt32LE(2, EKV_FIELD.version);
      fs.writeFileSync(file, bytes);
      await expectFileError(() => loadVectors(file), file, /unsupported ekv version 2: this embedkit reads version 1; upgrade embedkit/);
      fixHeaderCrc(bytes);
      fs.writeFileSync(file, bytes);
      await expectFileError(() => loadVectors(file), file, /unsupported ekv version 2/);
    });

    it('unknown flags', async () => {
      const { file, bytes } = await savedBytes('flags.ekv', kv);
      bytes.writeUInt32LE(bytes.readUInt32LE(EKV_FIELD.flags) | 0x80, EKV_FIELD.flags);
      fixHeaderCrc(bytes);
      fs.writeFileSync(file, bytes);
      await expectFileError(() => loadVectors(file), file, /unsupported ekv flags 0x00000081/);
    });

    it('corrupt payload (one flipped bit in the vectors)', async () => {
      const { file, bytes } = await savedBytes('flip.ekv', kv);
      bytes[bytes.length - 10] ^= 0x01;
      fs.writeFileSync(file, bytes);
      await expectFileError(
        () => loadVectors(file),
        file,
        /corrupt: payload checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/,
      );
      expect(loadVectorsSync(file, { verifyChecksum: false }).size).toBe(20);
    });

    it('corrupt header fields', async () => {
      const { file, bytes } = await savedBytes('hdr.ekv', kv);
      bytes.writeUInt32LE(9, EKV_FIELD.dim);
      fs.writeFileSync(file, bytes);
      await expectFileError(() => loadVectors(file), file, /corrupt header: checksum mismatch/);
      fixHeaderCrc(bytes);
      fs.writeFileSync(file, bytes);
      await expectFileError(
        () => loadVectors(file),
        file,
        /corrupt header: vectors section is 640 bytes, expected rows × dim × 4 = 20 × 9 × 4/,
      );
    });

    it('truncated: in the payload, in the header', async () => {
      const { file, bytes } = await savedBytes('cut.ekv', kv);
      fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100));
      await expectFileError(
        () => loadVectors(file),
        file,
        new RegExp(`truncated: the header says the file is ${bytes.length} bytes, it is ${bytes.length - 100} bytes`),
      );
      fs.writeFileSync(file, bytes.subarray(0, 50));
      await expectFileError(
        () => loadVectors(file),
        file,
        new RegExp(`truncated: 50 bytes, shorter than the ${EKV_HEADER_BYTES}-byte ekv header`),
      );
    });

    it('duplicate words (a consistent but invalid file)', async () => {
      const small = new KeyedVectors({ words: ['ab', 'ac'], vectors: new Float32Array([1, 2]), dim: 1 });
      const { file, bytes } = await savedBytes('dup.ekv', small);
      const text = bytes.indexOf('abac', EKV_HEADER_BYTES);
      bytes[text + 3] = 'b'.charCodeAt(0);
      bytes.writeUInt32LE(crc32(bytes.subarray(EKV_HEADER_BYTES)), EKV_FIELD.payloadCrc);
      fixHeaderCrc(bytes);
      fs.writeFileSync(file, bytes);
      await expectFileError(() => loadVectors(file), file, /corrupt: duplicate word 'ab' at rows 0 and 1/);
    });

    it('trailing bytes', async () => {
      const { file, bytes } = await savedBytes('long.ekv', kv);
      fs.writeFileSync(file, Buffer.concat([bytes, Buffer.from('extra')]));
      await expectFileError(() => loadVectors(file), file, /5 unexpected bytes after the end of the data/);
    });
  });
});
