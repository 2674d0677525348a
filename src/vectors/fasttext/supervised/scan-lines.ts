import { createReadStream } from 'node:fs';
import { EOS } from '../subwords.js';
import { SEPARATORS } from './line-input.js';

/**
 * Labelled lines scanned once: each distinct token gets an id (in order of first appearance) and a
 * count, and the lines are kept as a stream of token ids (`</s>` ends every line, as fastText's
 * readWord gives it; -1 marks the line end), so no line is held as a string.
 */
export class LineScan {
  private readonly ids = new Map<string, number>();
  /** Distinct tokens by id. */
  readonly tokens: string[] = [];
  private countsBuf = new Float64Array(1024);
  private streamBuf = new Int32Array(1 << 16);
  /** Stream entries used. */
  length = 0;
  /** Non-empty lines scanned. */
  lines = 0;
  /** Tokens scanned, `</s>` included (fastText's ntokens). */
  ntokens = 0;
  /** The most tokens of one line. */
  maxLineTokens = 0;

  /** Adds one line (empty lines are skipped). */
  add(line: string): void {
    const parts = line.split(SEPARATORS);
    let n = 0;
    for (const t of parts) if (t.length > 0) n++;
    if (n === 0) return;
    this.reserve(n + 2);
    for (const t of parts) if (t.length > 0) this.push(t);
    this.push(EOS);
    this.streamBuf[this.length++] = -1;
    this.lines++;
    this.maxLineTokens = Math.max(this.maxLineTokens, n + 1);
  }

  private push(token: string): void {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.ids.set(token, id);
      this.tokens.push(token);
      if (id === this.countsBuf.length) {
        const bigger = new Float64Array(this.countsBuf.length * 2);
        bigger.set(this.countsBuf);
        this.countsBuf = bigger;
      }
    }
    this.countsBuf[id]++;
    this.streamBuf[this.length++] = id;
    this.ntokens++;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.streamBuf.length) return;
    let size = this.streamBuf.length * 2;
    while (size < this.length + n) size *= 2;
    const bigger = new Int32Array(size);
    bigger.set(this.streamBuf.subarray(0, this.length));
    this.streamBuf = bigger;
  }

  /** Occurrences of each token id. */
  get counts(): Float64Array {
    return this.countsBuf.subarray(0, this.tokens.length);
  }

  /** The token-id stream (-1 ends a line). */
  get stream(): Int32Array {
    return this.streamBuf.subarray(0, this.length);
  }
}

/** Scans lines given in memory. */
export function scanLines(lines: Iterable<string>): LineScan {
  const scan = new LineScan();
  for (const line of lines) scan.add(line);
  return scan;
}

/** Scans a UTF-8 text file chunk by chunk (never the whole file in one string). */
export async function scanFile(file: string): Promise<LineScan> {
  const scan = new LineScan();
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      scan.add(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) scan.add(rest);
  return scan;
}

/** Scans lines from an async source (lines of a stream, a generator). */
export async function scanAsyncLines(lines: AsyncIterable<string>): Promise<LineScan> {
  const scan = new LineScan();
  for await (const line of lines) scan.add(line);
  return scan;
}
