import { runBatches, type BatchOutput, type BatchResult } from './batch.js';
import type { CacheInput } from './cache.js';
import type { EmbedOptions, Encoder, Modality } from './types.js';

/**
 * Base of embedkit's encoders: subclasses implement {@link BatchEncoder.encodeBatch} (raw rows of
 * one batch) and {@link BatchEncoder.cacheIdentity}; `embed` adds batching, progress, abort,
 * per-item errors, normalisation and the optional on-disk cache (`runBatches` in src/encode/batch.ts).
 */
export abstract class BatchEncoder<I> implements Encoder<I> {
  abstract readonly name: string;
  abstract readonly modality: Modality;
  abstract readonly dimension: number;
  /** Inputs per batch when `embed` is not given `batchSize`. */
  protected defaultBatchSize = 32;
  /** Whether rows are unit-normalised when `embed` is not given `normalize`. */
  protected defaultNormalize = true;

  /** Raw (unnormalised) rows of `batch`. Failed items go in `errors`; throwing fails the batch. */
  protected abstract encodeBatch(batch: readonly I[], signal: AbortSignal | undefined): Promise<BatchOutput>;

  /**
   * The cache identity: the encoder's name, version and everything (settings, model or vector
   * fingerprint, fitted state) that changes its rows. Two encoders with the same identity must give
   * the same raw row for the same input.
   */
  protected abstract cacheIdentity(): string | Promise<string>;

  /** The text or bytes an input's row depends on (default: strings and byte arrays as they are). */
  protected cacheKeyOf(input: I): CacheInput | undefined | Promise<CacheInput | undefined> {
    return typeof input === 'string' || input instanceof Uint8Array ? input : undefined;
  }

  /** One row per input (`runBatches` in src/encode/batch.ts); `cache` holds the cache counters when `cacheDir` was given. */
  embed(inputs: readonly I[], options: EmbedOptions = {}): Promise<BatchResult> {
    return runBatches(inputs, options, {
      dim: this.dimension,
      defaultBatchSize: this.defaultBatchSize,
      defaultNormalize: this.defaultNormalize,
      encodeBatch: (batch, signal) => this.encodeBatch(batch, signal),
      cacheIdentity: () => this.cacheIdentity(),
      cacheKeyOf: (input) => this.cacheKeyOf(input),
    });
  }
}
