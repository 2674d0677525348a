import { UsageError } from '../errors.js';
import type { PackedWords } from '../io/word-vectors/packed-words.js';

/*
 * Word → row lookup as an open-addressing hash table in one Int32Array (row + 1 per slot, 0 = empty),
 * about 3–6 bytes per word instead of a Map entry (~40 bytes and rehashing while it grows). Probing is
 * triangular (slot + 1, + 3, + 6, …), which visits every slot of a power-of-two table. The hash is
 * FNV-1a over the UTF-16 code units of the word, finished with MurmurHash3's fmix32 so the low bits
 * used as slot number are well mixed; for packed words it is computed from the UTF-8 bytes,
 * decoding them to the same code units, so no string is created.
 */

/** Largest fraction of occupied slots. */
const MAX_LOAD = 0.7;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of a word from its UTF-16 code units. */
export function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

/** Bytes of the UTF-8 sequence whose lead byte (≥ 0x80) is `b`. */
function utf8SequenceLength(b: number): number {
  return b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

/** Code point of the valid multi-byte UTF-8 sequence at `p` with lead byte `b`. */
function utf8CodePoint(bytes: Uint8Array, p: number, b: number): number {
  if (b < 0xe0) return ((b & 0x1f) << 6) | (bytes[p + 1] & 0x3f);
  if (b < 0xf0) return ((b & 0x0f) << 12) | ((bytes[p + 1] & 0x3f) << 6) | (bytes[p + 2] & 0x3f);
  return ((b & 0x07) << 18) | ((bytes[p + 1] & 0x3f) << 12) | ((bytes[p + 2] & 0x3f) << 6) | (bytes[p + 3] & 0x3f);
}

/** {@link hashWord} of the word whose valid UTF-8 bytes are `bytes[start, end)`, without decoding it to a string. */
export function hashUtf8Word(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  let p = start;
  while (p < end) {
    const b = bytes[p];
    if (b < 0x80) {
      h = Math.imul(h ^ b, FNV_PRIME);
      p++;
      continue;
    }
    let cp = utf8CodePoint(bytes, p, b);
    p += utf8SequenceLength(b);
    if (cp >= 0x10000) {
      // Beyond the BMP: the two UTF-16 surrogates, as charCodeAt sees them.
      cp -= 0x10000;
      h = Math.imul(h ^ (0xd800 | (cp >>> 10)), FNV_PRIME);
      cp = 0xdc00 | (cp & 0x3ff);
    }
    h = Math.imul(h ^ cp, FNV_PRIME);
  }
  return fmix32(h);
}

/** Whether the valid UTF-8 bytes `bytes[start, end)` spell `word`. */
export function utf8Equals(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  const n = word.length;
  // A code unit takes 1 to 3 bytes (a surrogate pair 4 bytes for 2 units).
  if (end - start < n || end - start > 3 * n) return false;
  let p = start;
  let j = 0;
  while (p < end) {
    const b = bytes[p];
    if (b < 0x80) {
      if (word.charCodeAt(j++) !== b) return false;
      p++;
      continue;
    }
    let cp = utf8CodePoint(bytes, p, b);
    p += utf8SequenceLength(b);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      if (word.charCodeAt(j++) !== (0xd800 | (cp >>> 10))) return false;
      cp = 0xdc00 | (cp & 0x3ff);
    }
    if (word.charCodeAt(j++) !== cp) return false;
  }
  return j === n;
}

function capacityFor(n: number): number {
  let capacity = 8;
  while (capacity * MAX_LOAD < n) capacity *= 2;
  return capacity;
}

function duplicate(word: string, first: number, second: number): UsageError {
  return new UsageError(`duplicate word '${word}' at rows ${first} and ${second}`);
}

/**
 * Row number of each word of a vocabulary (strings or {@link PackedWords}). Built once, read-only.
 * Building throws a UsageError naming both rows when a word occurs twice.
 */
export class WordIndex {
  private readonly mask: number;

  private constructor(
    private readonly slots: Int32Array,
    private readonly strings: readonly string[] | undefined,
    private readonly packed: PackedWords | undefined,
  ) {
    this.mask = slots.length - 1;
  }

  /** Index of `words` (kept by reference, not copied). */
  static ofStrings(words: readonly string[]): WordIndex {
    const slots = new Int32Array(capacityFor(words.length));
    const mask = slots.length - 1;
    for (let row = 0; row < words.length; row++) {
      const word = words[row];
      let slot = hashWord(word) & mask;
      for (let step = 1; ; step++) {
        const other = slots[slot];
        if (other === 0) break;
        if (words[other - 1] === word) throw duplicate(word, other - 1, row);
        slot = (slot + step) & mask;
      }
      slots[slot] = row + 1;
    }
    return new WordIndex(slots, words, undefined);
  }

  /** Index of packed words, hashed from their bytes (no string is created). */
  static ofPacked(words: PackedWords): WordIndex {
    const { text, offsets } = words;
    const n = words.length;
    const slots = new Int32Array(capacityFor(n));
    const mask = slots.length - 1;
    for (let row = 0; row < n; row++) {
      const start = offsets[row];
      const end = offsets[row + 1];
      let slot = hashUtf8Word(text, start, end) & mask;
      for (let step = 1; ; step++) {
        const other = slots[slot];
        if (other === 0) break;
        if (sameBytes(text, offsets[other - 1], offsets[other], start, end)) throw duplicate(words.at(row), other - 1, row);
        slot = (slot + step) & mask;
      }
      slots[slot] = row + 1;
    }
    return new WordIndex(slots, undefined, words);
  }

  /** Row of `word`, or -1. */
  get(word: string): number {
    const { slots, mask } = this;
    let slot = hashWord(word) & mask;
    const strings = this.strings;
    if (strings) {
      for (let step = 1; ; step++) {
        const row = slots[slot] - 1;
        if (row < 0 || strings[row] === word) return row;
        slot = (slot + step) & mask;
      }
    }
    const { text, offsets } = this.packed!;
    for (let step = 1; ; step++) {
      const row = slots[slot] - 1;
      if (row < 0 || utf8Equals(text, offsets[row], offsets[row + 1], word)) return row;
      slot = (slot + step) & mask;
    }
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.slots.byteLength;
  }
}

function sameBytes(bytes: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (; a < aEnd; a++, b++) if (bytes[a] !== bytes[b]) return false;
  return true;
}
