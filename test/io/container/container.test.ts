import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { crc32 } from '../../../src/io/core/crc32.js';
import {
  CONTAINER_MAGIC,
  decodeContainer,
  readContainer,
  readContainerSync,
  sectionAs,
  writeContainer,
  writeContainerSync,
  type ContainerInput,
} from '../../../src/io/container/index.js';
import { planContainer } from '../../../src/io/container/layout.js';
import { expectFileError, listDir, makeTempDir, rng } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function sample(): ContainerInput {
  const random = rng(7);
  const vectors = Float32Array.from({ length: 100 * 16 }, () => random() - 0.5);
  const links = Uint32Array.from({ length: 333 }, (_, i) => (i * 2654435761) >>> 0);
  return {
    kind: 'hnsw',
    kindVersion: 2,
    meta: { metric: 'cosine', dim: 16, M: 16, note: 'naïve ✓' },
    sections: [
      { name: 'vectors', data: vectors },
      { name: 'links', data: links },
      { name: 'empty', data: new Uint8Array(0) },
      { name: 'tiny', data: Uint8Array.of(1, 2, 3) },
      { name: 'ids', data: new BigInt64Array([1n, -2n, 3n]) },
    ],
  };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

async function writeSample(name: string): Promise<{ file: string; bytes: Buffer; input: ContainerInput }> {
  const file = tmp.file(name);
  const input = sample();
  await writeContainer(file, input);
  return { file, bytes: fs.readFileSync(file), input };
}

function variant(name: string, bytes: Uint8Array | string): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('index container', () => {
  it('round-trips kind, versions, metadata and sections (async and sync)', async () => {
    const { file, input } = await writeSample('rt.ekx');
    for (const c of [await readContainer(file, { kind: 'hnsw', maxKindVersion: 2 }), readContainerSync(file)]) {
      expect(c.kind).toBe('hnsw');
      expect(c.kindVersion).toBe(2);
      expect(c.meta).toEqual(input.meta);
      expect([...c.sections.keys()]).toEqual(['vectors', 'links', 'empty', 'tiny', 'ids']);
      for (const section of input.sections) expect(c.sections.get(section.name)).toEqual(bytesOf(section.data));
      expect(sectionAs(c, 'vectors', Float32Array)).toEqual(input.sections[0].data);
      expect(sectionAs(c, 'ids', BigInt64Array)).toEqual(input.sections[4].data);
    }
    const syncFile = tmp.file('rt-sync.ekx');
    writeContainerSync(syncFile, input);
    expect(fs.readFileSync(syncFile)).toEqual(fs.readFileSync(file));
    const none = tmp.file('none.ekx');
    await writeContainer(none, { kind: 'flat', kindVersion: 0, sections: [] });
    const empty = await readContainer(none);
    expect(empty.meta).toEqual({});
    expect(empty.sections.size).toBe(0);
  });

  it('writes the layout of docs/formats/container.md', async () => {
    const file = tmp.file('layout.ekx');
    await writeContainer(file, {
      kind: 'hnsw',
      kindVersion: 3,
      meta: { a: 1 },
      sections: [
        { name: 'x', data: Uint8Array.of(7, 8, 9) },
        { name: 'yy', data: new Uint8Array(70) },
      ],
    });
    const bytes = fs.readFileSync(file);
    // 64-byte preamble + 2 × 32-byte table = 128; kind, meta, names (14 bytes) end the header at 142;
    // 'x' at 192 (3 bytes), 'yy' at 256 (70 bytes): 326 bytes.
    const headerEnd = 142;
    const expected = new Uint8Array(headerEnd);
    const view = new DataView(expected.buffer);
    expected.set([0x89, 0x45, 0x4b, 0x49, 0x0d, 0x0a, 0x1a, 0x0a]);
    view.setUint32(8, 1, true); // container version
    view.setUint32(16, 3, true); // kind version
    view.setUint32(20, 2, true); // sections
    view.setUint32(24, 4, true); // 'hnsw'
    view.setUint32(28, 7, true); // '{"a":1}'
    view.setUint32(32, 3, true); // 'x' + 'yy'
    view.setBigUint64(40, 326n, true); // file length
    view.setBigUint64(64, 192n, true);
    view.setBigUint64(72, 3n, true);
    view.setUint32(80, crc32(Uint8Array.of(7, 8, 9)), true);
    view.setUint32(84, 1, true);
    view.setBigUint64(96, 256n, true);
    view.setBigUint64(104, 70n, true);
    view.setUint32(112, crc32(new Uint8Array(70)), true);
    view.setUint32(116, 2, true);
    expected.set(Buffer.from('hnsw{"a":1}xyy'), 128);
    view.setUint32(36, crc32(expected.subarray(64, headerEnd)), true);
    view.setUint32(60, crc32(expected.subarray(0, 60)), true);
    expect(bytes.length).toBe(326);
    expect(new Uint8Array(bytes.subarray(0, headerEnd))).toEqual(expected);
    expect([...bytes.subarray(192, 195)]).toEqual([7, 8, 9]);
    expect(bytes.subarray(headerEnd, 192).every((b) => b === 0) && bytes.subarray(195).every((b) => b === 0)).toBe(true);
  });
  it('returns 64-byte aligned views of one buffer holding the whole file', async () => {
    const { file, bytes } = await writeSample('align.ekx');
    const c = await readContainer(file);
    const buffers = new Set([...c.sections.values()].map((s) => s.buffer));
    expect(buffers.size).toBe(1);
    const [buffer] = buffers;
    expect(buffer.byteLength).toBe(bytes.length);
    for (const [name, view] of c.sections) {
      expect(view.byteOffset % 64, name).toBe(0);
      expect(new Uint8Array(buffer, view.byteOffset, view.length)).toEqual(view);
    }
    const vectors = c.sections.get('vectors') as Uint8Array;
    const floats = new Float32Array(vectors.buffer, vectors.byteOffset, vectors.length / 4);
    expect(floats[5]).toBe((sample().sections[0].data as Float32Array)[5]);
    // Bytes at an unaligned position are copied once so the views stay aligned.
    const shifted = new Uint8Array(bytes.length + 8);
    shifted.set(bytes, 8);
    const decoded = decodeContainer(file, shifted.subarray(8));
    for (const view of decoded.sections.values()) expect(view.byteOffset % 64).toBe(0);
  });

  it('handles a 64 MB section (streamed from the caller memory)', async () => {
    const big = new Uint8Array(64 << 20);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i >>> 12) & 0xff;
    const file = tmp.file('big.ekx');
    await writeContainer(file, {
      kind: 'flat',
      kindVersion: 1,
      sections: [
        { name: 'head', data: Uint8Array.of(1) },
        { name: 'big', data: big },
      ],
    });
    expect(fs.statSync(file).size).toBe(256 + (64 << 20)); // header ends at 141, 'head' at 192, 'big' at 256
    const c = await readContainer(file);
    const view = c.sections.get('big') as Uint8Array;
    expect(view.length).toBe(big.length);
    expect(crc32(view)).toBe(crc32(big));
  });

  describe('errors name the file and the problem', () => {
    it('a flipped byte in any section names the section; verify: false skips the check', async () => {
      const { file, bytes } = await writeSample('flip.ekx');
      const c = await readContainer(file);
      for (const [name, view] of c.sections) {
        if (view.length === 0) continue;
        const damaged = Buffer.from(bytes);
        damaged[view.byteOffset + (view.length >> 1)] ^= 0x10;
        const bad = variant(`flip-${name}.ekx`, damaged);
        await expectFileError(
          () => readContainer(bad),
          bad,
          new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: section '${name}' is corrupt \\(checksum mismatch\\)$`),
        );
        expect((await readContainer(bad, { verify: false })).sections.get(name)).toEqual(
          new Uint8Array(damaged.subarray(view.byteOffset, view.byteOffset + view.length)),
        );
      }
    });

    it('a flipped byte in the header, table, names or padding', async () => {
      const { bytes } = await writeSample('hdr.ekx');
      const flip = (at: number): Buffer => {
        const copy = Buffer.from(bytes);
        copy[at] ^= 0x01;
        return copy;
      };
      for (const at of [12, 16, 20, 44, 59]) {
        const bad = variant(`hdr-${at}.ekx`, flip(at));
        await expectFileError(() => readContainer(bad), bad, /corrupt header \(checksum mismatch/);
      }
      for (const at of [64, 64 + 32 * 5 + 2, 64 + 32 * 5 + 20]) {
        const bad = variant(`table-${at}.ekx`, flip(at));
        await expectFileError(() => readContainer(bad, { verify: false }), bad, /corrupt section table \(checksum mismatch\)/);
      }
      const firstSection = (await readContainer(tmp.file('hdr.ekx'))).sections.get('vectors') as Uint8Array;
      const pad = variant('pad.ekx', flip(firstSection.byteOffset - 1));
      await expectFileError(() => readContainer(pad), pad, /non-zero padding bytes before section 'vectors'/);
    });

    it('truncation anywhere', async () => {
      const { file, bytes } = await writeSample('cut.ekx');
      const links = (await readContainer(file)).sections.get('links') as Uint8Array;
      for (const at of [3, 8, 40, 63, 64, 200, links.byteOffset, links.byteOffset + 17, bytes.length - 1]) {
        const cut = variant(`cut-${at}.ekx`, bytes.subarray(0, at));
        await expectFileError(() => readContainer(cut), cut, /truncated: /);
      }
      const empty = variant('empty.ekx', new Uint8Array(0));
      await expectFileError(() => readContainer(empty), empty, /empty file \(expected an embedkit index file\)/);
      const longer = variant('longer.ekx', Buffer.concat([bytes, Buffer.alloc(5)]));
      await expectFileError(() => readContainer(longer), longer, /5 unexpected bytes after the end of the data/);
    });

    it('other files: wrong magic, PNG, text, ekv, text-mode transfer', async () => {
      const { bytes } = await writeSample('magic.ekx');
      const png = variant('picture.png', Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'));
      await expectFileError(() => readContainer(png), png, /not an embedkit index file \(found a PNG image\)$/);
      const text = variant('notes.txt', 'hello, this is text\n');
      await expectFileError(() => readContainer(text), text, /not an embedkit index file \(found text "hello, this is t/);
      const ekv = variant('v.ekv', Uint8Array.of(0x89, 0x45, 0x4b, 0x56, 0x0d, 0x0a, 0x1a, 0x0a, 1, 0, 0, 0));
      await expectFileError(() => readContainer(ekv), ekv, /found an \.ekv vector file/);
      const mangled = Buffer.concat([bytes.subarray(0, 4), Buffer.from([0x0a, 0x1a, 0x0a]), bytes.subarray(8)]);
      const crlf = variant('crlf.ekx', mangled);
      await expectFileError(() => readContainer(crlf), crlf, /damaged magic bytes .* text mode/);
      const zeros = variant('zeros.ekx', new Uint8Array(100));
      await expectFileError(() => readContainer(zeros), zeros, /not an embedkit index file \(found bytes 00 00 00 00/);
      expect([...bytes.subarray(0, 8)]).toEqual([...CONTAINER_MAGIC]);
    });

    it('versions and kinds', async () => {
      const { file, bytes } = await writeSample('versions.ekx');
      const future = Buffer.from(bytes);
      future.writeUInt32LE(2, 8);
      const futureFile = variant('future.ekx', future);
      await expectFileError(
        () => readContainer(futureFile),
        futureFile,
        /written by a newer embedkit \(container version 2 > 1\); upgrade embedkit/,
      );
      await expectFileError(() => readContainer(file, { kind: 'flat' }), file, /: is a 'hnsw' index, expected 'flat'$/);
      await expectFileError(
        () => readContainer(file, { kind: 'hnsw', maxKindVersion: 1 }),
        file,
        /written by a newer embedkit \(kind version 2 > 1 for 'hnsw'\)/,
      );
      const flat = tmp.file('flat.ekx');
      await writeContainer(flat, { kind: 'flat', kindVersion: 3, sections: [] });
      await expectFileError(() => readContainer(flat, { kind: 'hnsw' }), flat, /is a 'flat' index, expected 'hnsw'/);
      await expectFileError(() => readContainer(flat, { kind: 'flat', maxKindVersion: 2 }), flat, /kind version 3 > 2/);
    });

    it('a kind of 0 or more than 255 bytes, even with valid checksums (fuzz finding)', async () => {
      for (const [name, kind] of [
        ['no-kind.ekx', ''],
        ['long-kind.ekx', 'k'.repeat(256)],
      ]) {
        const file = variant(name, planContainer(kind, 1, '{}', []).header);
        await expectFileError(
          () => readContainer(file),
          file,
          new RegExp(`corrupt header: the kind is ${kind.length} bytes \\(1 to 255 expected\\)`),
        );
      }
      const ok = variant('kind-255.ekx', planContainer('k'.repeat(255), 1, '{}', []).header);
      expect((await readContainer(ok)).kind).toBe('k'.repeat(255));
    });

    it('sectionAs: missing section, size not a multiple of the element', async () => {
      const { file } = await writeSample('as.ekx');
      const c = await readContainer(file);
      expect(() => sectionAs(c, 'nope', Float32Array)).toThrow(/as\.ekx: missing section 'nope' \(has 'vectors', 'links'/);
      expect(() => sectionAs(c, 'tiny', Uint16Array)).toThrow(/section 'tiny' has 3 bytes, not a whole number of Uint16Array elements/);
    });
  });

  it('refuses invalid input with a UsageError, creating no file', async () => {
    const file = tmp.file('usage');
    fs.mkdirSync(file);
    const target = `${file}/x.ekx`;
    const ok = sample();
    const bad: unknown[] = [
      { ...ok, kind: '' },
      { ...ok, kind: 'a\nb' },
      { ...ok, kindVersion: -1 },
      { ...ok, kindVersion: 1.5 },
      { ...ok, meta: { n: 1n } },
      { ...ok, meta: [1] },
      {
        ...ok,
        sections: [
          { name: 'a', data: new Uint8Array(1) },
          { name: 'a', data: new Uint8Array(1) },
        ],
      },
      { ...ok, sections: [{ name: 'a', data: [1, 2] }] },
      { ...ok, sections: [{ name: '', data: new Uint8Array(1) }] },
    ];
    for (const input of bad) {
      await expect(writeContainer(target, input as ContainerInput)).rejects.toBeInstanceOf(UsageError);
      expect(() => writeContainerSync(target, input as ContainerInput)).toThrow(UsageError);
    }
    await expect(readContainer(target, { maxKindVersion: -1 })).rejects.toBeInstanceOf(UsageError);
    expect(listDir(file)).toEqual([]);
  });
});
