import { FileFormatError } from '../../errors.js';
import { HOST_IS_LITTLE_ENDIAN, swap32InPlace } from '../core/float32-bytes.js';
import { initialRows, showBytes, type ContentSize, type ParsedVectors, type PushParser } from './push-parser.js';
import type { ResolvedReadOptions } from './read-options.js';
import { VectorCollector } from './vector-collector.js';
import { MAX_HEADER_BYTES, parseW2vHeader, w2vHeaderProblem, type W2vHeader } from './w2v-header.js';
import { decodeWord, type WordProblem } from './words.js';

/** Longest word accepted in the binary format (the word2vec C tool caps words at 100 bytes). */
export const MAX_BINARY_WORD_BYTES = 65536;

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}

/**
 * Parser of the word2vec C binary format (gensim `binary=True`): a text header line `N D\n`, then per
 * vector the UTF-8 word, one space and D little-endian float32 — optionally followed by `\n` (the C
 * tool writes it, gensim does not; both are accepted). Words containing control bytes or invalid
 * UTF-8 are reported as corruption (usually a wrong dimension in the header), as is any data after
 * the announced vectors.
 */
export class BinaryVectorParser implements PushParser {
  private header: W2vHeader | undefined;
  private collector: VectorCollector | undefined;
  private expected = 0;
  private leftover: Buffer | undefined;
  /** File offset of `leftover[0]` (or of the next chunk when there is no leftover). */
  private consumed = 0;
  private done = false;
  private rowsRead = 0;
  private readonly wordProblem: WordProblem = { problem: '' };
  /** Byte view of the collector's matrix (recreated when the matrix grows). */
  private target: Buffer = Buffer.alloc(0);
  private targetFloats: Float32Array | undefined;

  constructor(
    private readonly file: string,
    private readonly options: ResolvedReadOptions,
    private readonly size: ContentSize,
  ) {}

  push(chunk: Uint8Array): boolean {
    if (this.done) return false;
    let data = asBuffer(chunk);
    if (this.leftover) {
      data = Buffer.concat([this.leftover, data]);
      this.leftover = undefined;
    }
    let pos = 0;
    if (!this.header) {
      const header = parseW2vHeader(data, false);
      if (!header) {
        if (data.length < MAX_HEADER_BYTES && data.indexOf(10) < 0) {
          this.leftover = data;
          return true;
        }
        this.fail(`expected the header line 'count dim' (two integers), found ${showBytes(data, 0, Math.max(0, data.indexOf(10)) || 40)}`);
      }
      this.startVectors(header);
      pos = header.length;
      if (this.done) return false;
    }
    pos = this.records(data, pos);
    if (this.done) return false;
    if (pos < data.length) this.leftover = Buffer.from(data.subarray(pos));
    this.consumed += pos;
    return true;
  }

  finish(): ParsedVectors {
    const header = this.header;
    if (!header) {
      const rest = this.leftover;
      if (!rest || rest.length === 0) this.fail('empty file');
      const atEof = parseW2vHeader(rest, true);
      if (!atEof) {
        if (/^[ \t]*[0-9]+[ \t]*[0-9]*[ \t\r]*$/.test(rest.toString('latin1'))) {
          this.fail(`truncated: the file ends in its header line ${showBytes(rest, 0, rest.length)}`);
        }
        this.fail(`expected the header line 'count dim' (two integers), found ${showBytes(rest, 0, rest.length)}`);
      }
      this.startVectors(atEof);
    }
    const { rows, dim } = this.header!;
    if (!this.done && this.rowsRead < this.expected) {
      const partial = this.leftover !== undefined && this.leftover.some((b) => b !== 10);
      const where = partial ? `file ends in vector ${this.rowsRead + 1}` : `file ends after vector ${this.rowsRead}`;
      this.fail(`truncated: expected ${rows} vectors of dim ${dim}, ${where}`);
    }
    const collected = this.collector!.finish();
    if (!HOST_IS_LITTLE_ENDIAN) {
      swap32InPlace(new Uint8Array(collected.vectors.buffer, collected.vectors.byteOffset, collected.vectors.byteLength));
    }
    return { ...collected, rowsRead: this.rowsRead };
  }

  private fail(problem: string): never {
    throw new FileFormatError(this.file, problem);
  }

  private startVectors(header: W2vHeader): void {
    const problem = w2vHeaderProblem(header);
    if (problem) this.fail(problem);
    this.header = header;
    this.expected = Math.min(header.rows, this.options.limit);
    const init = initialRows(this.expected, header.dim, this.size, 4 * header.dim + 2);
    this.collector = new VectorCollector(header.dim, init, this.expected);
    if (this.options.limit === 0) this.done = true;
  }

  /** Parses complete records from `data[pos…]`; returns where the first incomplete one starts. */
  private records(data: Buffer, pos: number): number {
    const collector = this.collector!;
    const header = this.header!;
    const vectorBytes = header.dim * 4;
    const end = data.length;
    while (pos < end) {
      if (this.rowsRead >= header.rows) {
        // All announced vectors read: only newlines may follow.
        for (; pos < end; pos++) {
          if (data[pos] !== 10 && data[pos] !== 13) {
            this.fail(
              `unexpected data after the ${header.rows} vectors the header announces, at byte ${this.consumed + pos} (is the count in the header '${header.rows} ${header.dim}' right?)`,
            );
          }
        }
        return end;
      }
      let start = pos;
      while (start < end && data[start] === 10) start++;
      if (start >= end) return pos;
      const space = data.indexOf(32, start);
      const wordEnd = space < 0 ? end : space;
      if (wordEnd - start > MAX_BINARY_WORD_BYTES) {
        this.fail(
          `vector ${this.rowsRead + 1} at byte ${this.consumed + start}: no space after the word within ${MAX_BINARY_WORD_BYTES} bytes (corrupt file, or not word2vec binary)`,
        );
      }
      if (space < 0 || space + 1 + vectorBytes > end) return pos;
      const word = decodeWord(data, start, space, this.options.unicodeErrors, true, this.wordProblem);
      if (word === undefined) {
        this.fail(
          `vector ${this.rowsRead + 1} at byte ${this.consumed + start}: ${this.wordProblem.problem} (corrupt file, or is the dim in the header '${header.rows} ${header.dim}' wrong?)`,
        );
      }
      const offset = collector.offset();
      if (this.targetFloats !== collector.data) {
        this.targetFloats = collector.data;
        this.target = Buffer.from(collector.data.buffer, collector.data.byteOffset, collector.data.byteLength);
      }
      data.copy(this.target, offset * 4, space + 1, space + 1 + vectorBytes);
      collector.commit(word);
      this.rowsRead++;
      pos = space + 1 + vectorBytes;
      if (this.rowsRead >= this.options.limit) {
        this.done = true;
        return pos;
      }
    }
    return pos;
  }
}
