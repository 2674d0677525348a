import { isUtf8 } from 'node:buffer';
import { FileFormatError } from '../errors.js';

/** How bytes that are not valid UTF-8 are handled: `'error'` throws a {@link FileFormatError}, `'replace'` decodes them as U+FFFD. */
export type InvalidUtf8Policy = 'error' | 'replace';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Splits a stream of UTF-8 byte chunks into lines. Internal to the corpus reader.
 *
 * - Lines end at `\n`; a `\r` before it is dropped. The text after the last `\n` is the last line.
 * - A UTF-8 byte-order mark at the start is skipped; a UTF-16 one is an error.
 * - Chunks may split multi-byte characters anywhere: bytes are only decoded up to a `\n`, or at a
 *   character boundary when a long line is cut.
 * - A line longer than `maxLineBytes` is yielded in pieces of at most `maxLineBytes` bytes, each cut
 *   at the last space or tab before the limit (which is dropped), or at a character boundary if
 *   there is none.
 */
export class LineSplitter {
  #pending: Buffer | undefined;
  #atStart = true;
  #line = 1;
  readonly #file: string;
  readonly #maxLineBytes: number;
  readonly #invalidUtf8: InvalidUtf8Policy;

  /**
   * @param file - name used in error messages.
   * @param maxLineBytes - longest piece yielded, in bytes (at least 4).
   * @param invalidUtf8 - see {@link InvalidUtf8Policy}.
   */
  constructor(file: string, maxLineBytes: number, invalidUtf8: InvalidUtf8Policy) {
    this.#file = file;
    this.#maxLineBytes = maxLineBytes;
    this.#invalidUtf8 = invalidUtf8;
  }

  /** Adds a chunk; appends the lines it completes to `out`. */
  push(chunk: Buffer, out: string[]): void {
    let buf = chunk;
    if (this.#atStart) {
      const head = this.#pending === undefined ? buf : Buffer.concat([this.#pending, buf]);
      this.#pending = undefined;
      if (head.length < 3) {
        this.#pending = Buffer.from(head);
        return;
      }
      buf = this.#skipBom(head);
    }
    this.#pushBody(buf, out);
  }

  /** Signals the end of input; appends the last line (if the input did not end with `\n`) to `out`. */
  end(out: string[]): void {
    if (this.#atStart && this.#pending !== undefined) {
      const head = this.#pending;
      this.#pending = undefined;
      this.#pushBody(this.#skipBom(head), out);
    }
    const rest = this.#pending;
    this.#pending = undefined;
    if (rest !== undefined && rest.length > 0) this.#emitBytes(rest, out);
  }

  #pushBody(buf: Buffer, out: string[]): void {
    let start = 0;
    if (this.#pending !== undefined) {
      const nl = buf.indexOf(LF);
      if (nl < 0) {
        this.#pending = Buffer.concat([this.#pending, buf]);
        this.#cutLongPending(out);
        return;
      }
      const line = Buffer.concat([this.#pending, buf.subarray(0, nl)]);
      this.#pending = undefined;
      this.#emitBytes(line, out);
      start = nl + 1;
    }
    const lastNl = buf.lastIndexOf(LF);
    if (lastNl >= start) {
      this.#emitRegion(buf, start, lastNl, out);
      start = lastNl + 1;
    }
    if (start < buf.length) {
      this.#pending = Buffer.from(buf.subarray(start));
      this.#cutLongPending(out);
    }
  }

  #skipBom(head: Buffer): Buffer {
    this.#atStart = false;
    if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3);
    if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
      throw new FileFormatError(this.#file, 'is UTF-16 text (byte-order mark FF FE / FE FF); convert it to UTF-8');
    }
    return head;
  }

  /** Emits the complete lines in `buf[start, end)` where `buf[end]` is `\n`. */
  #emitRegion(buf: Buffer, start: number, end: number, out: string[]): void {
    if (this.#invalidUtf8 === 'error' && !isUtf8(buf.subarray(start, end))) this.#throwInvalid(buf, start, end);
    const lines = buf.toString('utf8', start, end).split('\n');
    const limit = this.#maxLineBytes;
    for (let line of lines) {
      if (line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
      if (line.length * 3 > limit && Buffer.byteLength(line) > limit) this.#emitLong(Buffer.from(line), out);
      else out.push(line);
    }
    this.#line += lines.length;
  }

  /** Emits one complete line given as bytes (without its `\n`). */
  #emitBytes(line: Buffer, out: string[]): void {
    const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
    const bytes = line.subarray(0, end);
    this.#check(bytes);
    if (bytes.length > this.#maxLineBytes) this.#emitLong(bytes, out);
    else out.push(bytes.toString('utf8'));
    this.#line++;
  }

  /** Emits pieces of an over-long line until at most `maxLineBytes` bytes are left. */
  #emitLong(bytes: Buffer, out: string[]): void {
    let rest = bytes;
    while (rest.length > this.#maxLineBytes) {
      const [pieceEnd, restStart] = this.#cut(rest);
      out.push(rest.toString('utf8', 0, pieceEnd));
      rest = rest.subarray(restStart);
    }
    if (rest.length > 0) out.push(rest.toString('utf8'));
  }

  /** Cuts the pending partial line while it is longer than `maxLineBytes`. */
  #cutLongPending(out: string[]): void {
    let rest = this.#pending;
    if (rest === undefined || rest.length <= this.#maxLineBytes) return;
    while (rest.length > this.#maxLineBytes) {
      const [pieceEnd, restStart] = this.#cut(rest);
      const piece = rest.subarray(0, pieceEnd);
      this.#check(piece);
      out.push(piece.toString('utf8'));
      rest = rest.subarray(restStart);
    }
    this.#pending = Buffer.from(rest);
  }

  /** Where to cut `bytes` (longer than the limit): [end of the piece, start of the rest]. */
  #cut(bytes: Buffer): [number, number] {
    const limit = this.#maxLineBytes;
    const ws = Math.max(bytes.lastIndexOf(SPACE, limit), bytes.lastIndexOf(TAB, limit));
    if (ws > 0) return [ws, ws + 1];
    let i = limit;
    while (i > 0 && (bytes[i] & 0xc0) === 0x80) i--;
    if (i === 0) i = limit;
    return [i, i];
  }

  #check(bytes: Buffer): void {
    if (this.#invalidUtf8 === 'error' && !isUtf8(bytes)) this.#throwInvalid(bytes, 0, bytes.length);
  }

  #throwInvalid(buf: Buffer, start: number, end: number): never {
    let line = this.#line;
    let from = start;
    for (;;) {
      const nl = buf.indexOf(LF, from);
      const stop = nl < 0 || nl >= end ? end : nl;
      if (!isUtf8(buf.subarray(from, stop))) break;
      if (stop === end) break;
      from = stop + 1;
      line++;
    }
    throw new FileFormatError(
      this.#file,
      `invalid UTF-8 on line ${line}; convert the file to UTF-8, or pass invalidUtf8: 'replace' to read such bytes as U+FFFD`,
    );
  }
}
