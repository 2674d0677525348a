/** The typed-array word index and packed words behind KeyedVectors' vocabulary. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { PackedWords } from '../../src/io/word-vectors/packed-words.js';
import { hashUtf8Word, hashWord, utf8Equals, WordIndex } from '../../src/vectors/word-index.js';

/** Words with 1-, 2-, 3- and 4-byte UTF-8 characters, the empty word and near-misses of each other. */
const MIXED = [
  '',
  'a',
  'ab',
  'ba',
  'the',
  'thé',
  'théâtre',
  '日本語',
  '日本',
  '😀',
  '😀x',
  'x😀',
  'Ωmega',
  'tab\t',
  'new\nline',
  'x'.repeat(300),
];

function pack(words: readonly string[]): PackedWords {
  const encoded = words.map((w) => new TextEncoder().encode(w));
  const offsets = new Uint32Array(words.length + 1);
  encoded.forEach((e, i) => (offsets[i + 1] = offsets[i] + e.length));
  const text = new Uint8Array(offsets[words.length]);
  encoded.forEach((e, i) => text.set(e, offsets[i]));
  const packed = PackedWords.tryCreate(text, offsets);
  if (!packed) throw new Error('valid UTF-8 must pack');
  return packed;
}

/** Deterministic pseudo-random words (xorshift), some non-ASCII, all distinct. */
function randomWords(n: number, seed = 7): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzéü日😀-';
  const chars = [...alphabet];
  let s = seed;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const seen = new Set<string>();
  while (seen.size < n) {
    let w = '';
    const len = 1 + Math.floor(next() * 10);
    for (let i = 0; i < len; i++) w += chars[Math.floor(next() * chars.length)];
    seen.add(w);
  }
  return [...seen];
}

describe('word hashing', () => {
  it('hashes the UTF-8 bytes of a word exactly as its string', () => {
    for (const w of [...MIXED, ...randomWords(500)]) {
      const bytes = new TextEncoder().encode(w);
      expect(hashUtf8Word(bytes, 0, bytes.length)).toBe(hashWord(w));
    }
    expect(hashWord('ab')).not.toBe(hashWord('ba'));
  });

  it('compares UTF-8 bytes with a string code unit by code unit', () => {
    for (const a of MIXED) {
      const bytes = new TextEncoder().encode(a);
      for (const b of MIXED) expect(utf8Equals(bytes, 0, bytes.length, b)).toBe(a === b);
    }
    // A lone surrogate never equals decoded UTF-8 (which cannot hold one).
    const smile = new TextEncoder().encode('😀');
    expect(utf8Equals(smile, 0, smile.length, '\ud83d')).toBe(false);
  });
});

describe('WordIndex', () => {
  for (const [name, build] of [
    ['strings', (w: readonly string[]) => WordIndex.ofStrings(w)],
    ['packed', (w: readonly string[]) => WordIndex.ofPacked(pack(w))],
  ] as const) {
    it(`${name}: finds every word at its row and nothing else`, () => {
      const words = [...MIXED, ...randomWords(20_000).filter((w) => !MIXED.includes(w))];
      const index = build(words);
      words.forEach((w, row) => expect(index.get(w)).toBe(row));
      for (const missing of ['aBc', 'tH', 'thé ', '日本語語', '😀😀Z', '\ud83d', 'x'.repeat(299), 'x'.repeat(301), 'zzzzzzzzzzzz']) {
        expect(index.get(missing)).toBe(-1);
      }
      // Load stays at most 0.7: about 4 bytes per slot, under 6 bytes per word.
      expect(index.byteLength).toBeLessThanOrEqual(8 * words.length);
    });

    it(`${name}: reports a duplicate word with both rows`, () => {
      expect(() => build(['a', 'b', 'thé', 'c', 'thé'])).toThrow(new UsageError("duplicate word 'thé' at rows 2 and 4"));
      expect(() => build(['', 'x', ''])).toThrow(/duplicate word '' at rows 0 and 2/);
    });

    it(`${name}: handles an empty vocabulary and a single word`, () => {
      expect(build([]).get('a')).toBe(-1);
      expect(build(['only']).get('only')).toBe(0);
      expect(build(['only']).get('')).toBe(-1);
    });
  }

  it('keeps lone surrogates distinct in string vocabularies', () => {
    const index = WordIndex.ofStrings(['\ud83d', '\ude00', '😀']);
    expect([index.get('\ud83d'), index.get('\ude00'), index.get('😀')]).toEqual([0, 1, 2]);
  });
});

describe('PackedWords', () => {
  it('decodes words one at a time or all at once', () => {
    const packed = pack(MIXED);
    expect(packed.length).toBe(MIXED.length);
    expect(packed.ascii).toBe(false);
    expect(MIXED.map((_, i) => packed.at(i))).toEqual(MIXED);
    expect(packed.toArray()).toEqual(MIXED);
    expect(pack(['plain', 'ascii']).ascii).toBe(true);
  });

  it('refuses words that are not valid UTF-8 by themselves', () => {
    const e = new TextEncoder().encode('éx'); // C3 A9 78
    expect(PackedWords.tryCreate(e, Uint32Array.of(0, 2, 3))).toBeDefined();
    // Valid text, but the boundary splits 'é' between two words.
    expect(PackedWords.tryCreate(e, Uint32Array.of(0, 1, 3))).toBeUndefined();
    expect(PackedWords.tryCreate(Uint8Array.of(0x61, 0xff), Uint32Array.of(0, 1, 2))).toBeUndefined();
    // Only the words used count: invalid bytes after the last offset are ignored.
    expect(PackedWords.tryCreate(Uint8Array.of(0x61, 0xff), Uint32Array.of(0, 1))?.toArray()).toEqual(['a']);
  });
});

describe('KeyedVectors over packed words', () => {
  const words = ['east', 'north', 'west', 'naïve', '日本'];
  const vectors = Float32Array.from([1, 0, 0, 1, -1, 0, 0.6, 0.8, 0.8, 0.6]);

  it('answers like KeyedVectors over strings, decoding words only when asked', () => {
    const packed = new KeyedVectors({ words: pack(words), vectors, dim: 2 });
    const plain = new KeyedVectors({ words, vectors, dim: 2 });
    expect(packed.size).toBe(5);
    for (const w of [...words, 'south', '']) {
      expect(packed.indexOf(w)).toBe(plain.indexOf(w));
      expect(packed.has(w)).toBe(plain.has(w));
    }
    expect(Array.from(packed.get('naïve'))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(() => packed.get('south')).toThrow(/word 'south' not in vocabulary/);
    expect(packed.wordAt(4)).toBe('日本');
    expect(() => packed.wordAt(5)).toThrow(/row 5 out of range 0..4/);
    expect(packed.mostSimilar('east', undefined, { topn: 2 })).toEqual(plain.mostSimilar('east', undefined, { topn: 2 }));
    expect(packed.closerThan('east', 'naïve')).toEqual(['日本']);
    const list = packed.words;
    expect(list).toEqual(words);
    expect(packed.words).toBe(list);
  });

  it('keeps a given string list by reference and rejects duplicates in either form', () => {
    const kv = new KeyedVectors({ words, vectors, dim: 2 });
    expect(kv.words).toBe(words);
    const dup = ['a', 'b', 'a'];
    const v = new Float32Array(3);
    expect(() => new KeyedVectors({ words: dup, vectors: v, dim: 1 })).toThrow(/duplicate word 'a' at rows 0 and 2/);
    expect(() => new KeyedVectors({ words: pack(dup), vectors: v, dim: 1 })).toThrow(/duplicate word 'a' at rows 0 and 2/);
  });
});
