// Where `embedkit embed` writes its vectors: JSON Lines (one line per input, failed ones with
// "error"), .fvecs or .ekv (successful rows only). Every output is written atomically.
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { openAtomicWriter, type AtomicWriter } from '../../io/core/atomic-write.js';
import { formatFloat32 } from '../../io/core/float-text.js';
import { openVecsWriter, type VecsWriter } from '../../io/matrix/vecs-stream-write.js';

export const OUTPUT_FORMATS = ['jsonl', 'fvecs', 'ekv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const EXTENSIONS: Record<string, OutputFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.fvecs': 'fvecs', '.ekv': 'ekv' };

/** The output format: `--format` if given, else from the extension of `file`. */
export function outputFormatOf(file: string, format?: OutputFormat): OutputFormat {
  if (format) return format;
  const f = EXTENSIONS[path.extname(file).toLowerCase()];
  if (!f) throw new UsageError(`cannot tell the output format of '${file}' from its extension: use .jsonl, .fvecs or .ekv, or --format`);
  return f;
}

export type ItemId = string | number;

/** Receives the rows of successive chunks of inputs, then writes or discards the output. */
export interface EmbedSink {
  /** Rows of one chunk: `ids.length × dim` values; `errors` maps a row of this chunk to its message. */
  add(ids: readonly ItemId[], data: Float32Array, errors: ReadonlyMap<number, string>): Promise<void>;
  /** Makes the output visible. Returns the rows written (0: nothing was written). */
  commit(): Promise<number>;
  abort(): Promise<void>;
}

export function openSink(file: string, format: OutputFormat, dim: number): Promise<EmbedSink> | EmbedSink {
  if (format === 'jsonl') return JsonlSink.open(file, dim);
  return format === 'fvecs' ? new FvecsSink(file, dim) : new EkvSink(file, dim);
}

/** A float as JSON: shortest decimal that reads back as the same float32 ("-0.0" keeps the sign for Python). */
function jsonFloat(v: number): string {
  return Object.is(v, -0) ? '-0.0' : formatFloat32(v);
}

/** Streams `{"id": …, "vector": […]}` / `{"id": …, "error": "…"}` lines to a temporary file. */
class JsonlSink implements EmbedSink {
  private rows = 0;

  private constructor(
    private readonly writer: AtomicWriter,
    private readonly dim: number,
  ) {}

  static async open(file: string, dim: number): Promise<JsonlSink> {
    return new JsonlSink(await openAtomicWriter(file), dim);
  }

  async add(ids: readonly ItemId[], data: Float32Array, errors: ReadonlyMap<number, string>): Promise<void> {
    const { dim } = this;
    let text = '';
    for (let r = 0; r < ids.length; r++) {
      const id = JSON.stringify(ids[r]);
      const error = errors.get(r);
      if (error !== undefined) {
        text += `{"id":${id},"error":${JSON.stringify(error)}}\n`;
        continue;
      }
      const values = new Array<string>(dim);
      for (let j = 0; j < dim; j++) values[j] = jsonFloat(data[r * dim + j]);
      text += `{"id":${id},"vector":[${values.join(',')}]}\n`;
    }
    this.rows += ids.length;
    await this.writer.write(text);
  }

  async commit(): Promise<number> {
    await this.writer.commit();
    return this.rows;
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}

/** The file next to an .fvecs output that holds its ids, one per line, row by row. */
export function idsFileOf(file: string): string {
  return `${file}.ids`;
}

/** The successful rows of a chunk (all of them when none failed: no copy). */
function keptRows(ids: readonly ItemId[], data: Float32Array, errors: ReadonlyMap<number, string>, dim: number) {
  if (errors.size === 0) return { ids: ids.map(String), data: data.subarray(0, ids.length * dim) };
  const kept: string[] = [];
  const out = new Float32Array((ids.length - errors.size) * dim);
  for (let r = 0; r < ids.length; r++) {
    if (errors.has(r)) continue;
    out.set(data.subarray(r * dim, (r + 1) * dim), kept.length * dim);
    kept.push(String(ids[r]));
  }
  return { ids: kept, data: out };
}

/**
 * Streams the successful rows to an .fvecs file and their ids to {@link idsFileOf} (one per line,
 * the form `embedkit index build --ids` reads, since failed inputs leave gaps in the row numbers),
 * both atomic and synced as they grow: memory holds one chunk, and the commit at the end has
 * little left to put on disk.
 */
class FvecsSink implements EmbedSink {
  private files?: Promise<[VecsWriter<Float32Array>, AtomicWriter]>;

  constructor(
    private readonly file: string,
    private readonly dim: number,
  ) {}

  async add(ids: readonly ItemId[], data: Float32Array, errors: ReadonlyMap<number, string>): Promise<void> {
    const kept = keptRows(ids, data, errors, this.dim);
    if (kept.ids.length === 0) return;
    this.files ??= Promise.all([openVecsWriter(this.file, 'fvecs', this.dim), openAtomicWriter(idsFileOf(this.file))]);
    const [vectors, idsFile] = await this.files;
    await Promise.all([vectors.append(kept.data), idsFile.write(`${kept.ids.join('\n')}\n`)]);
  }

  async commit(): Promise<number> {
    if (!this.files) return 0; // no row: nothing is written (an .fvecs file of 0 rows has no dimension)
    const [vectors, idsFile] = await this.files;
    await Promise.all([vectors.commit(), idsFile.commit()]);
    return vectors.rows;
  }

  async abort(): Promise<void> {
    if (!this.files) return;
    const [vectors, idsFile] = await this.files.catch(() => [undefined, undefined] as const);
    await Promise.all([vectors?.abort(), idsFile?.abort()]);
  }
}

/** Collects the successful rows, then writes them as an .ekv file whose words are the ids. */
class EkvSink implements EmbedSink {
  private ids: string[] = [];
  private data = new Float32Array(0);
  private rows = 0;

  constructor(
    private readonly file: string,
    private readonly dim: number,
  ) {}

  async add(ids: readonly ItemId[], data: Float32Array, errors: ReadonlyMap<number, string>): Promise<void> {
    const { dim } = this;
    const kept = keptRows(ids, data, errors, dim);
    const need = (this.rows + kept.ids.length) * dim;
    if (need > this.data.length) {
      const grown = new Float32Array(Math.max(need, this.data.length * 2));
      grown.set(this.data.subarray(0, this.rows * dim));
      this.data = grown;
    }
    this.data.set(kept.data, this.rows * dim);
    for (const id of kept.ids) this.ids.push(id);
    this.rows += kept.ids.length;
  }

  async commit(): Promise<number> {
    if (this.rows === 0) return 0; // an .ekv file cannot hold 0 rows with a dimension; nothing is written
    const data = this.data.subarray(0, this.rows * this.dim);
    // Imported here: the word-vectors writers are most of this module's load time, which every
    // `embed` and `jobs embed` would pay for an .fvecs or .jsonl output too.
    const [{ saveVectors }, { KeyedVectors }] = await Promise.all([
      import('../../vectors/save.js'),
      import('../../vectors/keyed-vectors.js'),
    ]);
    await saveVectors(new KeyedVectors({ words: this.ids, vectors: data, dim: this.dim }), this.file, { format: 'ekv' });
    return this.rows;
  }

  async abort(): Promise<void> {
    this.data = new Float32Array(0);
  }
}
