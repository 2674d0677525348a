/** How the ekv reader turns the words section into a vocabulary: packed views, or strings for invalid UTF-8. */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/io/core/crc32.js';
import { EKV_FIELD, EKV_HEADER_BYTES } from '../../../src/io/word-vectors/ekv-layout.js';
import { decodeEkv } from '../../../src/io/word-vectors/ekv-read.js';
import { loadVectors } from '../../../src/vectors/load.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { PackedWords } from '../../../src/io/word-vectors/packed-words.js';
import { makeTempDir } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** Saves `words` (1-d vectors 0, 1, 2, …) and returns the file's bytes. */
async function saved(name: string, words: string[]): Promise<{ file: string; bytes: Buffer }> {
  const file = tmp.file(name);
  await saveVectors(new KeyedVectors({ words, vectors: Float32Array.from(words, (_, i) => i), dim: 1 }), file);
  return { file, bytes: fs.readFileSync(file) };
}

/** Rewrites both checksums after a test edited the payload. */
function fixCrcs(bytes: Buffer): void {
  bytes.writeUInt32LE(crc32(bytes.subarray(EKV_HEADER_BYTES)), EKV_FIELD.payloadCrc);
  bytes.writeUInt32LE(crc32(bytes.subarray(0, EKV_FIELD.headerCrc)), EKV_FIELD.headerCrc);
}

describe('ekv words', () => {
  it('keeps valid UTF-8 words packed, as views into the file buffer', async () => {
    const words = ['the', 'thé', '日本語', '😀', ''];
    const { file, bytes } = await saved('packed.ekv', words);
    const aligned = new Uint8Array(new ArrayBuffer(bytes.length));
    aligned.set(bytes);
    const decoded = decodeEkv(file, aligned, Infinity, true);
    expect(decoded.words).toBeInstanceOf(PackedWords);
    const packed = decoded.words as PackedWords;
    expect(packed.text.buffer).toBe(aligned.buffer);
    expect(packed.toArray()).toEqual(words);
    const kv = await loadVectors(file);
    expect(kv.indexOf('😀')).toBe(3);
    expect(kv.wordAt(1)).toBe('thé');
    expect(kv.words).toEqual(words);
    const head = decodeEkv(file, aligned, 2, true).words as PackedWords;
    expect(head.toArray()).toEqual(['the', 'thé']);
  });

  it('decodes words that are not valid UTF-8 with U+FFFD, as strings', async () => {
    const { file, bytes } = await saved('bad.ekv', ['ab', 'cd']);
    bytes[bytes.indexOf('abcd', EKV_HEADER_BYTES) + 2] = 0xff;
    fixCrcs(bytes);
    fs.writeFileSync(file, bytes);
    const kv = await loadVectors(file);
    expect(kv.words).toEqual(['ab', '\ufffdd']);
    expect(kv.indexOf('\ufffdd')).toBe(1);
  });

  it('decodes a character split between two words with U+FFFD, as strings', async () => {
    const { file, bytes } = await saved('split.ekv', ['é', 'x']);
    // Offsets 0, 2, 3 → 0, 1, 3: the text C3 A9 78 is valid, the words C3 and A9 78 are not.
    bytes.writeUInt32LE(1, EKV_HEADER_BYTES + 4);
    fixCrcs(bytes);
    fs.writeFileSync(file, bytes);
    const kv = await loadVectors(file);
    expect(kv.words).toEqual(['\ufffd', '\ufffdx']);
  });

  it('reports out-of-order word offsets', async () => {
    const { file, bytes } = await saved('order.ekv', ['ab', 'cd', 'ef']);
    bytes.writeUInt32LE(5, EKV_HEADER_BYTES + 4);
    fixCrcs(bytes);
    fs.writeFileSync(file, bytes);
    await expect(loadVectors(file)).rejects.toThrow(/corrupt: word offset 2 \(4\) is out of order/);
  });
});
