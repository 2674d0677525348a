import { AbortError, EmbedkitError, UsageError } from '../../errors.js';
import { normalizeInPlace, type BatchResult } from '../batch.js';
import { emptyCacheStats } from '../cache.js';
import type { EmbedError, EmbedOptions, Encoder } from '../types.js';
import { poolViews, viewsPerImage, type TtaSpec } from './augment.js';
import { imageCacheKey, lookupCached, storeCached } from './image-cache.js';
import { loadSharp } from './decode.js';
import { startPreprocessBatch, valuesPerImage, type PreprocessedBatch, type PreprocessSpec } from './preprocess.js';
import type { ImageInput } from './types.js';

/** Rows of a batch plus the items the model could not embed (`index` = position in the batch). */
export interface RunnerOutput {
  data: Float32Array;
  failures: readonly { index: number; message: string }[];
}

/** Runs a model on preprocessed batches. */
export interface BatchRunner {
  /** Batches it can work on at once (e.g. one per worker thread). */
  readonly lanes: number;
  /**
   * Features of `count` preprocessed images (`count × dimension` floats, row-major). May take over
   * (transfer) `batch`'s buffer.
   */
  run(batch: Float32Array, count: number): Promise<Float32Array | RunnerOutput>;
  dispose?(): Promise<void> | void;
}

/** What {@link PipelinedImageEncoder} is made of. */
export interface PipelinedImageEncoderInit {
  name: string;
  dimension: number;
  preprocess: PreprocessSpec;
  runner: BatchRunner;
  /** Default inputs per model call. */
  batchSize: number;
  /** Default of `EmbedOptions.normalize`. */
  normalize: boolean;
  /**
   * Everything besides the preprocessing that changes the raw rows (model file fingerprint, output
   * name, pooling …), for the on-disk cache. The name and preprocessing are added automatically.
   */
  cacheIdentity?: string;
  /** Test-time augmentation (views pooled into one vector), or null/undefined for none. */
  tta?: TtaSpec | null;
}

export function checkBatchSize(v: unknown, name = 'batchSize'): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > 4096)
    throw new UsageError(`${name} must be an integer in 1 .. 4096, got ${String(v)}`);
  return v as number;
}

/**
 * An image encoder that decodes the next batches with sharp (libuv threads) while its runner works on
 * the current ones, so decoding and inference overlap. Failed inputs give zero rows and an entry in
 * `errors` with the input's index; the other inputs go on.
 */
export class PipelinedImageEncoder implements Encoder<ImageInput> {
  readonly modality = 'image' as const;
  readonly name: string;
  readonly dimension: number;
  readonly preprocess: PreprocessSpec;
  readonly batchSize: number;
  readonly normalize: boolean;
  /** Test-time augmentation settings (null: one view per image). */
  readonly tta: TtaSpec | null;
  private readonly runner: BatchRunner;
  private readonly identity: string;
  private disposed = false;

  constructor(init: PipelinedImageEncoderInit) {
    this.name = init.name;
    this.dimension = init.dimension;
    this.preprocess = init.preprocess;
    this.runner = init.runner;
    this.batchSize = checkBatchSize(init.batchSize);
    this.normalize = init.normalize;
    this.tta = init.tta ?? null;
    this.identity = JSON.stringify({
      encoder: init.name,
      dim: init.dimension,
      preprocess: init.preprocess,
      model: init.cacheIdentity ?? '',
      ...(this.tta ? { tta: this.tta } : {}),
    });
  }

  /** One row per input; `cache` holds this call's cache counters when `cacheDir` was given. */
  async embed(inputs: readonly ImageInput[], options: EmbedOptions = {}): Promise<BatchResult> {
    if (this.disposed) throw new EmbedkitError(`the ${this.name} encoder has been disposed`);
    if (!Array.isArray(inputs))
      throw new UsageError('inputs must be an array of images (file paths, Buffers/Uint8Arrays, or {data, width, height, channels})');
    const batchSize = checkBatchSize(options.batchSize ?? this.batchSize);
    const normalize = options.normalize ?? this.normalize;
    if (typeof normalize !== 'boolean') throw new UsageError(`normalize must be a boolean, got ${String(options.normalize)}`);
    const { signal, onProgress } = options;
    const n = inputs.length;
    const dim = this.dimension;
    const data = new Float32Array(n * dim);
    const errors: EmbedError[] = [];
    if (signal?.aborted) throw new AbortError();
    if (n === 0) return { rows: 0, dim, data, errors };

    let pending = Array.from({ length: n }, (_, i) => i);
    let keys: (Uint8Array | undefined)[] | undefined;
    const stats = emptyCacheStats();
    if (options.cacheDir !== undefined) {
      keys = await Promise.all(inputs.map((input) => imageCacheKey(this.identity, input)));
      pending = await lookupCached(options.cacheDir, keys, dim, data, stats);
      if (pending.length < n) onProgress?.(n - pending.length, n);
    }
    const fresh = await this.runPipeline(inputs, pending, batchSize, data, errors, signal, (done) =>
      onProgress?.(n - pending.length + done, n),
    );
    if (keys && options.cacheDir !== undefined) await storeCached(options.cacheDir, keys, fresh, dim, data, stats);
    if (normalize) normalizeInPlace(data, dim);
    errors.sort((a, b) => a.index - b.index);
    return { rows: n, dim, data, errors, ...(options.cacheDir !== undefined ? { cache: stats } : {}) };
  }

  /**
   * Decodes and runs the inputs at `indices` (batches of `batchSize`, `runner.lanes` batches in
   * flight, the next batches decoding meanwhile); writes their rows into `data` and returns the
   * indices that got a row.
   */
  private async runPipeline(
    inputs: readonly ImageInput[],
    indices: readonly number[],
    batchSize: number,
    data: Float32Array,
    errors: EmbedError[],
    signal: AbortSignal | undefined,
    progress: (done: number) => void,
  ): Promise<number[]> {
    const ok: number[] = [];
    if (indices.length === 0) return ok;
    const dim = this.dimension;
    const sharp = await loadSharp();
    const spec = this.preprocess;
    // With test-time augmentation, batchSize counts model rows (views): fewer images per batch.
    const views = viewsPerImage(this.tta);
    batchSize = Math.max(1, Math.floor(batchSize / views));
    // Fewer inputs than lanes × batchSize: smaller batches, so that every lane gets work.
    batchSize = Math.max(1, Math.min(batchSize, Math.ceil(indices.length / this.runner.lanes)));
    const batches = Math.ceil(indices.length / batchSize);
    const lanes = Math.max(1, Math.min(this.runner.lanes, batches));
    const groups = Array.from({ length: batches }, (_, b) => indices.slice(b * batchSize, (b + 1) * batchSize));
    const decodes: (Promise<PreprocessedBatch> | undefined)[] = new Array(batches);
    let started = 0;
    // Keep `lanes` batches decoding beyond the ones being run.
    const startUpTo = (end: number) => {
      for (; started < Math.min(end, batches); started++) {
        const group = groups[started];
        const p = startPreprocessBatch(
          sharp,
          group.map((i) => inputs[i]),
          spec,
          0,
          group,
          this.tta,
        );
        p.catch(() => undefined);
        decodes[started] = p;
      }
    };
    let next = 0;
    let done = 0;
    let failed = false;
    const per = valuesPerImage(spec);
    const lane = async () => {
      while (next < batches && !failed) {
        if (signal?.aborted) throw new AbortError();
        const b = next++;
        startUpTo(b + 1 + lanes);
        const batch = await (decodes[b] as Promise<PreprocessedBatch>);
        decodes[b] = undefined;
        errors.push(...batch.errors);
        const group = groups[b];
        if (batch.ok.some(Boolean)) {
          const rows = batch.count * views;
          if (batch.data.length !== rows * per) throw new EmbedkitError('internal error: batch size mismatch');
          const output = await this.runner.run(batch.data, rows);
          const viewFeatures = output instanceof Float32Array ? output : output.data;
          // a failure of any view fails its image
          const modelFailures = new Map(
            (output instanceof Float32Array ? [] : output.failures).map((f) => [Math.floor(f.index / views), f.message]),
          );
          if (viewFeatures.length !== rows * dim) {
            throw new EmbedkitError(
              `the ${this.name} model returned ${viewFeatures.length} values for ${rows} images, expected ${rows} × ${dim}`,
            );
          }
          const features = poolViews(viewFeatures, batch.count, views, dim, this.tta?.pooling ?? 'mean');
          for (let i = 0; i < batch.count; i++) {
            if (!batch.ok[i]) continue;
            const failure = modelFailures.get(i);
            if (failure !== undefined) {
              errors.push({ index: group[i], message: `${batch.labels[i]}: ${failure}` });
              continue;
            }
            const row = features.subarray(i * dim, (i + 1) * dim);
            if (!row.every(Number.isFinite)) {
              errors.push({ index: group[i], message: `${batch.labels[i]}: the model produced non-finite values` });
              continue;
            }
            data.set(row, group[i] * dim);
            ok.push(group[i]);
          }
        }
        done += batch.count;
        progress(done);
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: lanes }, () =>
        lane().catch((e: unknown) => {
          failed = true;
          throw e;
        }),
      ),
    );
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    return ok;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.runner.dispose?.();
  }
}
