import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fastTextHash, hashWord, subwordStrings } from '../../../src/vectors/fasttext/subwords.js';
import { fasttext } from '../../helpers/fasttext-cli.js';
import { makeTempDir } from '../../io/helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('fastText subwords', () => {
  it('hash: FNV-1a on ASCII, sign-extended bytes above 0x7f', () => {
    expect(hashWord('')).toBe(2166136261);
    expect(hashWord('a')).toBe(0xe40c292c); // the published FNV-1a 32-bit value of "a"
    expect(hashWord('foobar')).toBe(0xbf9cf968);
    // 0xc3 sign-extends to 0xffffffc3: (2166136261 ^ 0xffffffc3) * 16777619 mod 2^32.
    const h = Number((BigInt((2166136261 ^ 0xffffffc3) >>> 0) * 16777619n) % 2n ** 32n);
    expect(fastTextHash(Uint8Array.of(0xc3))).toBe(h);
  });

  it('n-grams equal fastText print-ngrams, ASCII and CJK', () => {
    writeFileSync(tmp.file('c.txt'), 'where 猫咪 the\n'.repeat(5));
    fasttext([
      'skipgram',
      '-input',
      tmp.file('c.txt'),
      '-output',
      tmp.file('m'),
      '-dim',
      '4',
      '-epoch',
      '1',
      '-minCount',
      '1',
      '-bucket',
      '100',
      '-minn',
      '2',
      '-maxn',
      '4',
      '-thread',
      '1',
      '-verbose',
      '0',
    ]);
    for (const [word, inVocabulary] of [
      ['where', true],
      ['猫咪', true],
      ['unseen', false],
      ['a', false],
    ] as const) {
      const out = fasttext(['print-ngrams', tmp.file('m.bin'), word]);
      const cli = out
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]);
      const ours = subwordStrings(word, { minn: 2, maxn: 4, bucket: 100 }).map((n) => n.ngram);
      // print-ngrams lists the word itself first when it is in the vocabulary.
      expect(inVocabulary ? cli.slice(1) : cli).toEqual(ours);
    }
  });
});
