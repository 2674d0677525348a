// A worker's side of an embed batch: read the batch's inputs (checking they are the bytes that were
// planned), embed them with an encoder kept loaded between batches, write the shard atomically.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { EmbedkitError, FileFormatError, UsageError } from '../errors.js';
import { loadEncoder } from '../encode/registry.js';
import type { Encoder } from '../encode/types.js';
import { specKey, type EncoderSpec } from './encoder-spec.js';
import { writeShard } from './shard-file.js';
import type { EmbedTaskData } from './task-data.js';
import { decodeBatchLines } from './text-batches.js';

/** The shard file of a batch. */
export function shardPath(workDir: string, task: string): string {
  return path.join(workDir, `${task}.ekjb`);
}

/** Encoders loaded by a worker, by spec; the least recently used beyond `max` is disposed. */
export class EncoderPool {
  readonly #loaded = new Map<string, Promise<Encoder>>();

  constructor(private readonly max = 2) {}

  get(spec: EncoderSpec): Promise<Encoder> {
    const key = specKey({ encoder: spec.encoder, options: spec.options });
    let encoder = this.#loaded.get(key);
    if (encoder) {
      this.#loaded.delete(key);
      this.#loaded.set(key, encoder); // most recently used last
      return encoder;
    }
    encoder = loadEncoder(spec.encoder, spec.options).then((e) => {
      const fittable = e as Encoder & { autoFit?: unknown; fitted?: unknown };
      // SIF / TF-IDF pooling fit on the inputs of each call: batch by batch they would differ from one run over all inputs.
      if (fittable.autoFit === true && fittable.fitted === false)
        throw new UsageError(
          `encoder '${spec.encoder}' fits on its inputs; in a cluster each batch would fit on its own: give it a corpus to fit on (-O corpus=FILE)`,
        );
      return e;
    });
    this.#loaded.set(key, encoder);
    encoder.catch(() => this.#loaded.delete(key));
    while (this.#loaded.size > this.max) {
      const [oldKey, old] = this.#loaded.entries().next().value as [string, Promise<Encoder>];
      this.#loaded.delete(oldKey);
      void old.then((e) => e.dispose?.()).catch(() => undefined);
    }
    return encoder;
  }

  async dispose(): Promise<void> {
    const all = [...this.#loaded.values()];
    this.#loaded.clear();
    await Promise.all(all.map((p) => p.then((e) => e.dispose?.()).catch(() => undefined)));
  }
}

/** Reads the lines of a text batch, checking the bytes still hash to the planned SHA-256. */
async function readTextBatch(text: NonNullable<EmbedTaskData['text']>): Promise<string[]> {
  const length = text.end - text.start;
  const bytes = new Uint8Array(length);
  let handle;
  try {
    handle = await open(text.file, 'r');
  } catch (error) {
    throw new FileFormatError(
      text.file,
      `cannot open on this worker (${(error as NodeJS.ErrnoException).code ?? 'error'}); workers need the input on a shared file system`,
    );
  }
  try {
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(bytes, got, length - got, text.start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got !== length)
      throw new FileFormatError(
        text.file,
        `shorter than when the job was submitted (lines ${text.firstLine + 1}–${text.firstLine + text.lines})`,
      );
  } finally {
    await handle.close();
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== text.sha256)
    throw new FileFormatError(
      text.file,
      `changed since the job was submitted (lines ${text.firstLine + 1}–${text.firstLine + text.lines} hash differently)`,
    );
  return decodeBatchLines(text.file, bytes, text);
}

/** What a finished batch reports. */
export interface EmbedTaskResult {
  rows: number;
  dim: number;
  failed: number;
}

/**
 * Runs one embed batch and writes its shard. Throws (the job is retried) on any failure of the batch
 * as a whole. `compute` wraps the encoder's load and call (a worker's {@link ComputeSlots}): reading
 * the inputs and writing the shard stay outside, so they overlap another batch's encoder call.
 */
export async function runEmbedTask(
  data: EmbedTaskData,
  encoders: EncoderPool,
  compute: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
  signal?: AbortSignal,
): Promise<EmbedTaskResult> {
  const inputs: unknown[] = data.text ? await readTextBatch(data.text) : (data.files ?? []);
  if (inputs.length === 0) throw new EmbedkitError(`batch ${data.batch} of run ${data.run} has no inputs`);
  const result = await compute(async () =>
    (await encoders.get(data.spec)).embed(inputs, {
      ...(data.spec.batchSize !== undefined ? { batchSize: data.spec.batchSize } : {}),
      ...(data.spec.normalize !== undefined ? { normalize: data.spec.normalize } : {}),
      ...(signal ? { signal } : {}),
    }),
  );
  if (result.rows !== inputs.length || result.data.length !== result.rows * result.dim)
    throw new EmbedkitError(`encoder '${data.spec.encoder}' returned ${result.rows} rows for ${inputs.length} inputs`);
  await writeShard(shardPath(data.workDir, data.task), {
    id: data.task,
    rows: result.rows,
    dim: result.dim,
    data: result.data,
    errors: result.errors.map((e) => ({ index: e.index, message: e.message })),
  });
  return { rows: result.rows, dim: result.dim, failed: result.errors.length };
}
