import { isUtf8 } from 'node:buffer';

/**
 * A vocabulary kept as the UTF-8 bytes of its words plus `length + 1` byte offsets (word `i` is
 * `text[offsets[i], offsets[i + 1])`), as stored in an `.ekv` file: about 12 bytes per word instead
 * of a JS string and an array slot (~35 bytes, most of it in the young generation while loading).
 * Words are decoded only when asked for ({@link PackedWords.at}, {@link PackedWords.toArray}).
 *
 * Only built by {@link PackedWords.tryCreate}, which checks that every word is valid UTF-8 on its
 * own, so the hash and equality over the bytes (word-index.ts) agree with those over the decoded
 * strings.
 */
export class PackedWords {
  /** Number of words. */
  readonly length: number;
  /** True when every byte is ASCII (bytes = UTF-16 code units, latin1 decoding is exact). */
  readonly ascii: boolean;
  private readonly buffer: Buffer;

  private constructor(
    /** UTF-8 text of the words, back to back (a view, not copied). */
    readonly text: Uint8Array,
    /** `length + 1` non-decreasing byte offsets into `text`, starting at 0 (a view, not copied). */
    readonly offsets: Uint32Array,
    ascii: boolean,
  ) {
    this.length = offsets.length - 1;
    this.ascii = ascii;
    this.buffer = Buffer.from(text.buffer, text.byteOffset, text.length);
  }

  /**
   * Packs `text`/`offsets` (views, not copied) when every word is valid UTF-8 by itself: the text
   * up to the last offset is valid UTF-8 and no word starts inside a multi-byte character. Returns
   * undefined otherwise (the caller then decodes the words to strings, with U+FFFD replacements).
   * The offsets must already be known non-decreasing, start at 0 and end within `text`.
   */
  static tryCreate(text: Uint8Array, offsets: Uint32Array): PackedWords | undefined {
    if (offsets.length === 0) return undefined;
    const end = offsets[offsets.length - 1];
    let ascii = true;
    for (let i = 0; i < end; i++) {
      if (text[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      if (!isUtf8(text.subarray(0, end))) return undefined;
      // A boundary on a continuation byte (10xxxxxx) would split a character between two words.
      for (let i = 1; i < offsets.length - 1; i++) {
        const o = offsets[i];
        if (o < end && (text[o] & 0xc0) === 0x80) return undefined;
      }
    }
    return new PackedWords(text, offsets, ascii);
  }

  /** Word `i` (a new string each call). */
  at(i: number): string {
    return this.buffer.toString(this.ascii ? 'latin1' : 'utf8', this.offsets[i], this.offsets[i + 1]);
  }

  /** All words as strings, in order. */
  toArray(): string[] {
    const n = this.length;
    const out = new Array<string>(n);
    const { buffer, offsets } = this;
    const encoding = this.ascii ? 'latin1' : 'utf8';
    for (let i = 0; i < n; i++) out[i] = buffer.toString(encoding, offsets[i], offsets[i + 1]);
    return out;
  }
}
