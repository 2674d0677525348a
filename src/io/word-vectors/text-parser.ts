import { FileFormatError } from '../../errors.js';
import { scanFloat, type ScanState } from '../core/float-text.js';
import { initialRows, showBytes, type ContentSize, type ParsedVectors, type PushParser } from './push-parser.js';
import type { ResolvedReadOptions } from './read-options.js';
import { VectorCollector } from './vector-collector.js';
import { MAX_DIM, parseW2vHeader, w2vHeaderProblem, type W2vHeader } from './w2v-header.js';
import { decodeWord, quoteWord, type WordProblem } from './words.js';

/** Longest text line accepted (a 1M-dimensional row of 9-digit floats fits). */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}

/**
 * Parser of the text vector formats: `'w2v'` (first line `N D`, then `word v1 … vD` per line — the
 * word2vec C text format, fastText `.vec`) and `'glove'` (no header; the dimension is the number of
 * values on the first line). Separators are runs of spaces or tabs; trailing blanks, `\r\n` line
 * ends, blank lines, a UTF-8 byte-order mark and a missing final newline are accepted. Anything else
 * is a FileFormatError naming the file and line.
 */
export class TextVectorParser implements PushParser {
  private lineNo = 0;
  private header: W2vHeader | undefined;
  private collector: VectorCollector | undefined;
  private leftover: Buffer | undefined;
  private done = false;
  private rowsRead = 0;
  private firstLineIsIntPair = false;
  private readonly scan: ScanState = { pos: 0, ok: false };
  private readonly wordProblem: WordProblem = { problem: '' };

  constructor(
    private readonly file: string,
    private readonly mode: 'w2v' | 'glove',
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
    for (;;) {
      const nl = data.indexOf(10, pos);
      if (nl < 0) break;
      this.line(data, pos, nl);
      pos = nl + 1;
      if (this.done) return false;
    }
    if (pos < data.length) {
      if (data.length - pos > MAX_LINE_BYTES) {
        this.fail(this.lineNo + 1, `line longer than ${MAX_LINE_BYTES} bytes (not a text vector file?)`);
      }
      this.leftover = Buffer.from(data.subarray(pos));
    }
    return true;
  }

  finish(): ParsedVectors {
    if (!this.done && this.leftover) {
      const last = this.leftover;
      this.leftover = undefined;
      this.lastLine(last);
    }
    if (this.mode === 'w2v') {
      const header = this.header;
      if (!header) this.fail(undefined, this.lineNo === 0 ? 'empty file' : 'no header line (the file is blank)');
      if (!this.done && this.rowsRead < header.rows) {
        this.fail(
          undefined,
          `truncated: header says ${header.rows} vectors of dim ${header.dim}, file ends after ${this.rowsRead} (line ${this.lineNo})`,
        );
      }
    } else if (!this.collector) {
      this.fail(undefined, this.lineNo === 0 ? 'empty file' : 'no vectors (the file is blank)');
    }
    return { ...this.collector!.finish(), rowsRead: this.rowsRead };
  }

  /** The final line when the file does not end with a newline: a failure there may be a cut file. */
  private lastLine(last: Buffer): void {
    try {
      this.line(last, 0, last.length);
    } catch (error) {
      if (!(error instanceof FileFormatError)) throw error;
      const header = this.header;
      if (header && this.rowsRead < header.rows) {
        this.fail(
          undefined,
          `truncated: header says ${header.rows} vectors of dim ${header.dim}, file ends in vector ${this.rowsRead + 1} (line ${this.lineNo} is incomplete)`,
        );
      }
      if (this.mode === 'w2v' && !header && /^[ \t]*[0-9]+[ \t]*[0-9]*[ \t\r]*$/.test(last.toString('latin1'))) {
        this.fail(undefined, `truncated: the file ends in its header line ${showBytes(last, 0, last.length)}`);
      }
      throw new FileFormatError(this.file, `${error.problem} (the file ends in this line without a newline: truncated?)`);
    }
  }

  private fail(line: number | undefined, problem: string): never {
    throw new FileFormatError(this.file, line === undefined ? problem : `line ${line}: ${problem}`);
  }

  private line(data: Buffer, start: number, end: number): void {
    const lineNo = ++this.lineNo;
    if (lineNo === 1 && end - start >= 3 && data[start] === 0xef && data[start + 1] === 0xbb && data[start + 2] === 0xbf) start += 3; // UTF-8 BOM
    while (end > start && (data[end - 1] === 13 || isBlank(data[end - 1]))) end--;
    if (end === start) return;
    if (this.mode === 'w2v' && !this.header) {
      this.readHeader(data, start, end, lineNo);
      return;
    }
    if (this.header && this.rowsRead >= this.header.rows) {
      this.fail(lineNo, `more vectors than the header's ${this.header.rows} (header says '${this.header.rows} ${this.header.dim}')`);
    }
    let i = start;
    while (i < end && !isBlank(data[i])) i++;
    const word = decodeWord(data, start, i, this.options.unicodeErrors, false, this.wordProblem);
    if (word === undefined) this.fail(lineNo, this.wordProblem.problem);
    if (!this.collector) this.startGlove(data, start, i, end, lineNo, word);
    const collector = this.collector!;
    if (this.done) return;
    const dim = collector.dim;
    const offset = collector.offset();
    const out = collector.data;
    const scan = this.scan;
    let p = i;
    for (let k = 0; k < dim; k++) {
      while (p < end && isBlank(data[p])) p++;
      if (p >= end) this.wrongCount(data, i, end, lineNo, word);
      const value = scanFloat(data, p, end, scan);
      if (!scan.ok) this.fail(lineNo, `value ${k + 1} of ${quoteWord(word)} is not a number: ${showBytes(data, p, scan.pos)}`);
      out[offset + k] = value;
      p = scan.pos;
    }
    while (p < end && isBlank(data[p])) p++;
    if (p < end) this.wrongCount(data, i, end, lineNo, word);
    collector.commit(word);
    this.rowsRead++;
    if (this.rowsRead >= this.options.limit) this.done = true;
  }

  private readHeader(data: Buffer, start: number, end: number, lineNo: number): void {
    const header = parseW2vHeader(data.subarray(start, end), true);
    if (!header) this.fail(lineNo, `expected the header 'count dim' (two integers), found ${showBytes(data, start, end)}`);
    const problem = w2vHeaderProblem(header);
    if (problem) this.fail(lineNo, problem);
    this.header = header;
    const expected = Math.min(header.rows, this.options.limit);
    this.collector = new VectorCollector(header.dim, initialRows(expected, header.dim, this.size, 2 * header.dim + 1), expected);
    if (this.options.limit === 0) this.done = true;
  }

  /** GloVe: the first row fixes the dimension. */
  private startGlove(data: Buffer, start: number, wordEnd: number, end: number, lineNo: number, word: string): void {
    let count = 0;
    let allInts = true;
    for (let p = wordEnd; p < end;) {
      while (p < end && isBlank(data[p])) p++;
      if (p >= end) break;
      count++;
      for (; p < end && !isBlank(data[p]); p++) if (data[p] < 48 || data[p] > 57) allInts = false;
    }
    if (count === 0) this.fail(lineNo, `no values after the word ${quoteWord(word)}`);
    if (count > MAX_DIM) this.fail(lineNo, `${count} values on one line (more than the maximum dimension ${MAX_DIM})`);
    this.firstLineIsIntPair = count === 1 && allInts && /^[0-9]+$/.test(word);
    // No row count in GloVe: estimate it from the file size and the first line's length (+20%).
    const expected = this.options.limit;
    const lineBytes = end - start + 1;
    const { exact } = this.size;
    const estimate =
      exact === undefined ? initialRows(expected, count, this.size, 2 * count + 1) : Math.ceil((exact / lineBytes) * 1.2) + 16;
    this.collector = new VectorCollector(count, Math.min(expected, estimate), expected);
    if (this.options.limit === 0) this.done = true;
  }

  private wrongCount(data: Buffer, wordEnd: number, end: number, lineNo: number, word: string): never {
    let found = 0;
    for (let p = wordEnd; p < end;) {
      while (p < end && isBlank(data[p])) p++;
      if (p >= end) break;
      found++;
      while (p < end && !isBlank(data[p])) p++;
    }
    const dim = this.collector!.dim;
    const source = this.header ? `the header says dim ${dim}` : `line 1 has ${dim}`;
    const hint =
      this.mode === 'glove' && this.firstLineIsIntPair
        ? "; line 1 looks like a word2vec header 'count dim' — read the file as 'w2v-text'"
        : '';
    this.fail(lineNo, `expected ${dim} values after the word ${quoteWord(word)}, found ${found} (${source})${hint}`);
  }
}
