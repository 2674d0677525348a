// Shared pieces of the `embedkit index …` commands: reading vectors for an index, ids files,
// and phase display.
import { stat } from 'node:fs/promises';
import { FileFormatError } from '../../errors.js';
import type { Id, Metadata, Metric } from '../../ann/types.js';
import { readTextFile } from '../../io/core/read-file.js';
import { readVectorsAny, type AnyVectorFormat } from '../../io/matrix/read-any.js';
import { ProgressBar } from '../progress-bar.js';

/** Vectors as an index takes them: float rows, or packed bits for the hamming metric. */
export interface IndexVectors {
  /** Rows read. */
  rows: number;
  /** Index dimension: values per row, or bits per row for hamming. */
  dim: number;
  /** Float rows (`{data, rows, dim}`) or, for hamming, `rows × ceil(dim / 8)` packed bytes. */
  vectors: { data: Float32Array; rows: number; dim: number } | Uint8Array;
  /** Ids stored in the file (JSON Lines ids, words of word-vector files). */
  ids?: Id[];
  metadata?: (Metadata | undefined)[];
  format: AnyVectorFormat;
}

/**
 * Packs float rows into bit vectors for the hamming metric. A `.bvecs` file already holds packed
 * bytes (8 bits per byte, dimension = 8 × bytes); any other file holds one value per bit, set when
 * the value is > 0 (so 0/1 data and sign-binarised embeddings both work). Bit j of a row is bit
 * (j mod 8) of byte ⌊j / 8⌋.
 */
function packBits(
  file: string,
  data: Float32Array,
  rows: number,
  cols: number,
  format: AnyVectorFormat,
): { bits: Uint8Array; dim: number } {
  if (format === 'bvecs') {
    const bits = new Uint8Array(rows * cols);
    for (let i = 0; i < bits.length; i++) bits[i] = data[i];
    return { bits, dim: cols * 8 };
  }
  const per = Math.ceil(cols / 8);
  const bits = new Uint8Array(rows * per);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const v = data[r * cols + j];
      if (!Number.isFinite(v)) throw new FileFormatError(file, `row ${r} value ${j} is ${v}`);
      if (v > 0) bits[r * per + (j >> 3)] |= 1 << (j & 7);
    }
  }
  return { bits, dim: cols };
}

/** Reads any vector file `readVectorsAny` understands, shaped for an index of `metric`. */
export async function readIndexVectors(file: string, metric: Metric, limit?: number): Promise<IndexVectors> {
  const v = await readVectorsAny(file, limit !== undefined ? { limit } : {});
  if (v.rows === 0) throw new FileFormatError(file, 'holds no vectors');
  const out: IndexVectors = { rows: v.rows, dim: v.dim, vectors: { data: v.data, rows: v.rows, dim: v.dim }, format: v.format };
  if (metric === 'hamming') {
    const p = packBits(file, v.data, v.rows, v.dim, v.format);
    out.vectors = p.bits;
    out.dim = p.dim;
  }
  if (v.ids) out.ids = v.ids;
  if (v.metadata) out.metadata = v.metadata;
  return out;
}

/**
 * Reads an ids file: one id per line (a final newline is optional; `\r\n` is accepted). Ids are
 * strings. With `allowMore` (the base was read with --limit) only the first `rows` lines are used.
 * `rowsAre` words the count in the error (`{n}` is replaced by `rows`).
 */
export async function readIdsFile(
  file: string,
  rows?: number,
  allowMore = false,
  rowsAre = 'the vectors file has {n} vectors',
): Promise<string[]> {
  const text = await readTextFile(file);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (rows !== undefined && (lines.length < rows || (lines.length > rows && !allowMore))) {
    throw new FileFormatError(file, `has ${lines.length} ids, ${rowsAre.replace('{n}', String(rows))} (one id per line expected)`);
  }
  const ids = rows === undefined ? lines : lines.slice(0, rows);
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id.length === 0) throw new FileFormatError(file, `line ${i + 1} is empty`);
    const first = seen.get(id);
    if (first !== undefined) throw new FileFormatError(file, `line ${i + 1}: id ${JSON.stringify(id)} already on line ${first + 1}`);
    seen.set(id, i);
  });
  return ids;
}

/** Size of a file in bytes. */
export async function fileBytes(file: string): Promise<number> {
  return (await stat(file)).size;
}

/**
 * Named phases on a progress bar (stderr, TTY only) with the elapsed time, redrawn every 250 ms
 * while a long asynchronous step (the index build on worker threads) runs.
 */
export class PhaseDisplay {
  private readonly bar: ProgressBar;
  private readonly t0 = performance.now();
  private phaseStart = this.t0;
  private label = '';
  private detail = '';
  private fraction = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(enabled: boolean) {
    this.bar = new ProgressBar(enabled);
    if (this.bar.enabled) {
      this.timer = setInterval(() => this.draw(false), 250);
      this.timer.unref();
    }
  }

  /** Starts phase `label` (step `step` of `steps`). */
  phase(label: string, step: number, steps: number, detail: string): void {
    this.label = label;
    this.detail = detail;
    this.fraction = step / steps;
    this.phaseStart = performance.now();
    this.draw(true);
  }

  private draw(force: boolean): void {
    const now = performance.now();
    const phase = ((now - this.phaseStart) / 1000).toFixed(1);
    const total = ((now - this.t0) / 1000).toFixed(1);
    this.bar.update(this.label, this.fraction, `${this.detail}  ${phase} s (total ${total} s)`, force);
  }

  /** Stops redrawing and clears the line. */
  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.bar.done();
  }
}

/** Seconds since `t0` (a performance.now() value). */
export function since(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** 12345678 -> "11.8 MB". */
export function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
