import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeW2vBinary } from '../../../src/io/word-vectors/binary-encoder.js';
import { CHUNK_BYTES } from '../../../src/io/core/file-chunks.js';
import { loadVectors, loadVectorsSync } from '../../../src/vectors/load.js';
import { contentSize, UNKNOWN_SIZE, type PushParser } from '../../../src/io/word-vectors/push-parser.js';
import { resolveReadOptions } from '../../../src/io/word-vectors/read-options.js';
import { saveVectors } from '../../../src/vectors/save.js';
import { BinaryVectorParser } from '../../../src/io/word-vectors/binary-parser.js';
import { encodeTextVectors } from '../../../src/io/word-vectors/text-encoder.js';
import { TextVectorParser } from '../../../src/io/word-vectors/text-parser.js';
import { expectSameFloats, expectSameVectors, makeKv, makeTempDir, rng } from '../helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** Feeds `bytes` to `parser` in random pieces of 1…`maxPiece` bytes. */
function feedInPieces(parser: PushParser, bytes: Uint8Array, seed: number, maxPiece: number): ReturnType<PushParser['finish']> {
  const random = rng(seed);
  for (let i = 0; i < bytes.length;) {
    const n = 1 + Math.floor(random() * maxPiece);
    if (!parser.push(bytes.slice(i, i + n))) break;
    i += n;
  }
  return parser.finish();
}

describe('streaming: results do not depend on chunk boundaries', () => {
  const kv = makeKv(40, 5, 13, { words: Array.from({ length: 40 }, (_, i) => `ключ${i}`) });
  const options = resolveReadOptions({});

  it('text parser (w2v and GloVe), pieces of 1–7 bytes', () => {
    for (const header of [true, false]) {
      const bytes = Buffer.concat([...encodeTextVectors(kv, header, 'x')]);
      for (let seed = 1; seed <= 5; seed++) {
        const parser = new TextVectorParser('t', header ? 'w2v' : 'glove', options, UNKNOWN_SIZE);
        const parsed = feedInPieces(parser, bytes, seed, 7);
        expect(parsed.words).toEqual([...kv.words]);
        expectSameFloats(parsed.vectors, kv.vectors);
      }
    }
  });

  it('binary parser, pieces of 1–7 bytes and with limit', () => {
    const bytes = Buffer.concat([...encodeW2vBinary(kv)]);
    for (let seed = 1; seed <= 5; seed++) {
      const parsed = feedInPieces(new BinaryVectorParser('b', options, UNKNOWN_SIZE), bytes, seed, 7);
      expect(parsed.words).toEqual([...kv.words]);
      expectSameFloats(parsed.vectors, kv.vectors);
      const limited = feedInPieces(
        new BinaryVectorParser('b', resolveReadOptions({ limit: 9 }), contentSize(bytes.length, false)),
        bytes,
        seed,
        7,
      );
      expect(limited.words).toEqual(kv.words.slice(0, 9));
    }
  });

  it('files larger than one read chunk, plain and gzip, async and sync', async () => {
    const big = makeKv(5000, 64, 17);
    for (const name of ['big.vec', 'big.bin', 'big.vec.gz', 'big.bin.gz']) {
      const file = tmp.file(name);
      await saveVectors(big, file);
      if (!name.endsWith('.gz')) expect(fs.statSync(file).size).toBeGreaterThan(CHUNK_BYTES);
      expectSameVectors(await loadVectors(file), big);
      expectSameVectors(loadVectorsSync(file), big);
      const head = await loadVectors(file, { limit: 4321 });
      expect(head.size).toBe(4321);
      expectSameFloats(head.vectors, big.vectors.subarray(0, 4321 * 64));
    }
  });
});
