import { AbortError, EmbedkitError, UsageError } from '../errors.js';
import { emptyCacheStats, EmbeddingCache, sharedCache, type CacheInput, type CacheStats } from './cache.js';
import type { EmbedError, EmbedOptions, Embeddings } from './types.js';

/** What one call of a per-batch function returns: `batch.length × dim` raw rows, plus failed items. */
export interface BatchOutput {
  /** Row-major, `batch.length × dim`. Rows of failed items are ignored (the result row is zero). */
  data: Float32Array;
  /** Items of this batch that failed; `index` is the position in the batch. */
  errors?: readonly EmbedError[];
}

/** Encodes one batch. Throwing fails the whole batch: its items are then retried one by one. */
export type BatchFunction<I> = (batch: readonly I[], signal: AbortSignal | undefined) => Promise<BatchOutput>;

/** Settings of {@link runBatches} beyond the caller's {@link EmbedOptions}. */
export interface BatchSettings<I> {
  dim: number;
  /** Used when `options.batchSize` is not given. */
  defaultBatchSize: number;
  /** Used when `options.normalize` is not given. */
  defaultNormalize: boolean;
  encodeBatch: BatchFunction<I>;
  /**
   * For the cache (`options.cacheDir`): the encoder's identity — name, version and every setting
   * or fitted state that changes its output. Without it the cache is not used.
   */
  cacheIdentity?: () => string | Promise<string>;
  /** For the cache: the text or bytes an input's row depends on; undefined = do not cache this input. */
  cacheKeyOf?: (input: I) => CacheInput | undefined | Promise<CacheInput | undefined>;
}

/** {@link Embeddings} plus the cache counters of this call when a cache was used. */
export interface BatchResult extends Embeddings {
  cache?: CacheStats;
}

function checkOptions(
  options: EmbedOptions,
  settings: { defaultBatchSize: number; defaultNormalize: boolean },
): { batchSize: number; normalize: boolean } {
  const batchSize = options.batchSize ?? settings.defaultBatchSize;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new UsageError(`batchSize must be a positive integer, got ${String(options.batchSize)}`);
  const normalize = options.normalize ?? settings.defaultNormalize;
  if (typeof normalize !== 'boolean') throw new UsageError(`normalize must be a boolean, got ${String(options.normalize)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new UsageError('onProgress must be a function');
  return { batchSize, normalize };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `settings.encodeBatch` over `inputs` in batches of `options.batchSize` and assembles one
 * row per input. A failed item (listed in a batch's `errors`, or throwing when its batch is retried
 * item by item after the whole batch threw, or giving non-finite values) gets an all-zero row and
 * an entry in `errors`; the other items go on. Rows are L2-normalised when `normalize` is on
 * (zero rows stay zero). With `options.cacheDir` (and a `cacheIdentity`), rows are looked up in an
 * {@link EmbeddingCache} first and new rows are added to it (raw, before normalisation). Progress
 * is reported after the cache lookup and after each batch; the signal is checked between batches
 * and passed to `encodeBatch`.
 */
export async function runBatches<I>(inputs: readonly I[], options: EmbedOptions, settings: BatchSettings<I>): Promise<BatchResult> {
  if (!Array.isArray(inputs)) throw new UsageError('embed expects an array of inputs');
  const { batchSize, normalize } = checkOptions(options, settings);
  const { dim, encodeBatch } = settings;
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const n = inputs.length;
  const data = new Float32Array(n * dim);
  const errors: EmbedError[] = [];
  const failed = new Set<number>();
  const fail = (index: number, message: string): void => {
    data.fill(0, index * dim, (index + 1) * dim);
    if (!failed.has(index)) errors.push({ index, message });
    failed.add(index);
  };

  // Cache lookup.
  let cache: EmbeddingCache | undefined;
  const stats = emptyCacheStats();
  let keys: (Uint8Array | undefined)[] = [];
  let pending: number[] = Array.from({ length: n }, (_, i) => i);
  if (options.cacheDir !== undefined && settings.cacheIdentity) {
    cache = sharedCache(options.cacheDir);
    const identity = await settings.cacheIdentity();
    keys = await Promise.all(
      inputs.map(async (input) => {
        const k = settings.cacheKeyOf
          ? await settings.cacheKeyOf(input)
          : typeof input === 'string' || input instanceof Uint8Array
            ? input
            : undefined;
        return k === undefined ? undefined : EmbeddingCache.key(identity, k);
      }),
    );
    const found = await mapLimited(keys, 16, (key) => (key ? cache!.get(key, dim, stats) : Promise.resolve(undefined)));
    pending = [];
    for (let i = 0; i < n; i++) {
      const row = found[i];
      if (row) data.set(row, i * dim);
      else pending.push(i);
    }
  }
  let done = n - pending.length;
  if (done > 0) onProgress?.(done, n);

  for (let start = 0; start < pending.length; start += batchSize) {
    throwIfAborted(signal);
    const indices = pending.slice(start, start + batchSize);
    const fresh = await runOneBatch(inputs, indices, dim, encodeBatch, signal, data, fail);
    if (cache) {
      const writes = fresh.filter((i) => keys[i] !== undefined);
      await mapLimited(writes, 16, (i) => cache!.set(keys[i]!, data.subarray(i * dim, (i + 1) * dim), stats));
    }
    done += indices.length;
    onProgress?.(done, n);
  }

  if (normalize) normalizeInPlace(data, dim);
  errors.sort((a, b) => a.index - b.index);
  return { rows: n, dim, data, errors, ...(cache ? { cache: stats } : {}) };
}

/**
 * Encodes `indices` as one batch (retrying item by item if the batch throws), writes the rows into
 * `data`, and returns the indices that got a valid row.
 */
async function runOneBatch<I>(
  inputs: readonly I[],
  indices: number[],
  dim: number,
  encodeBatch: BatchFunction<I>,
  signal: AbortSignal | undefined,
  data: Float32Array,
  fail: (index: number, message: string) => void,
): Promise<number[]> {
  const ok: number[] = [];
  const attempt = async (group: number[]): Promise<void> => {
    let out: BatchOutput;
    try {
      out = await encodeBatch(
        group.map((i) => inputs[i]),
        signal,
      );
      if (!(out?.data instanceof Float32Array) || out.data.length !== group.length * dim) {
        throw new EmbedkitError(`encoder returned ${out?.data?.length ?? 'no'} values for ${group.length} inputs of dimension ${dim}`);
      }
    } catch (error) {
      if (signal?.aborted || error instanceof AbortError) throw error instanceof AbortError ? error : new AbortError();
      if (group.length === 1) {
        fail(group[0], messageOf(error));
        return;
      }
      for (const i of group) await attempt([i]);
      return;
    }
    const bad = new Map<number, string>();
    for (const e of out.errors ?? []) {
      if (Number.isInteger(e.index) && e.index >= 0 && e.index < group.length) bad.set(e.index, e.message);
    }
    group.forEach((index, k) => {
      const message = bad.get(k);
      if (message !== undefined) return fail(index, message);
      const row = out.data.subarray(k * dim, (k + 1) * dim);
      for (let d = 0; d < dim; d++) if (!Number.isFinite(row[d])) return fail(index, 'the encoder produced non-finite values');
      data.set(row, index * dim);
      ok.push(index);
    });
  };
  await attempt(indices);
  return ok;
}

/** Divides every non-zero row of `data` by its L2 norm. */
export function normalizeInPlace(data: Float32Array, dim: number): void {
  for (let base = 0; base < data.length; base += dim) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[base + d] * data[base + d];
    if (!(s > 0)) continue;
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dim; d++) data[base + d] *= inv;
  }
}

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
