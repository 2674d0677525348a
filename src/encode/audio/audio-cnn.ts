import path from 'node:path';
import { EmbedkitError, UsageError } from '../../errors.js';
import { convNetPredict, type ConvNet } from '../../learn/conv-net.js';
import { BatchEncoder } from '../base.js';
import type { BatchOutput } from '../batch.js';
import { LoadOptionReader } from '../text/load-options.js';
import type { Modality } from '../types.js';
import type { AudioCnnInfo } from './audio-cnn-file.js';
import { AudioWorkerPool } from './audio-pool.js';
import { clipLogMel, inferencePatches, standardize } from './cnn-input.js';
import { audioCacheKey, clipRows, type AudioInput } from './inputs.js';

/** Patches per network call in `embed`. */
const PATCH_BATCH = 32;
const SAMPLE_RATE = 16000;

/**
 * A trained audio CNN as an encoder: each clip (16 kHz) becomes its trimmed, standardised VGGish
 * log-mel, cut into patches (see `inferencePatches`); the embedding is the network's last dense layer
 * (the layer under the training classifier), averaged over the clip's patches.
 */
export class AudioCnnEncoder extends BatchEncoder<AudioInput> {
  readonly modality: Modality = 'audio';
  readonly name: string;
  readonly dimension: number;
  /** Longer clips are cut to this many seconds. */
  readonly maxSeconds: number;
  /** Worker threads of `embed` (0 = on the calling thread, yielding between clips). */
  readonly threads: number;
  /** The file it was loaded from (part of the cache identity). */
  readonly file?: string;
  private pool?: Promise<AudioWorkerPool>;
  private disposed = false;

  constructor(
    readonly info: AudioCnnInfo,
    readonly net: ConvNet,
    options: AudioCnnEncoderOptions = {},
  ) {
    super();
    this.name = info.name;
    this.dimension = net.dense[net.dense.length - 1].outputs;
    this.defaultBatchSize = 16;
    this.maxSeconds = options.maxSeconds ?? 600;
    if (!(this.maxSeconds > 0)) throw new UsageError(`maxSeconds must be positive, got ${String(options.maxSeconds)}`);
    this.threads = options.threads ?? 1;
    if (!Number.isSafeInteger(this.threads) || this.threads < 0 || this.threads > 64)
      throw new UsageError(`threads must be an integer in 0 .. 64, got ${String(options.threads)}`);
    if (options.file !== undefined) this.file = options.file;
  }

  get labels(): readonly string[] {
    return this.info.labels;
  }

  /** The standardised log-mel patches of one clip of 16 kHz samples. */
  patchesOf(samples: Float32Array, label: string): { count: number; data: Float32Array } {
    const m = clipLogMel(samples, this.info.frontEnd.trimDb);
    if (m.rows === 0) throw new EmbedkitError(`${label}: shorter than one 25 ms frame, nothing to embed`);
    standardize(m);
    return inferencePatches(m, this.info.frontEnd);
  }

  /** Mean embedding of `count` patches. */
  embedPatches(patches: Float32Array, count: number): Float32Array {
    const size = patches.length / count;
    const out = new Float32Array(this.dimension);
    for (let s = 0; s < count; s += PATCH_BATCH) {
      const n = Math.min(PATCH_BATCH, count - s);
      const e = convNetPredict(this.net, patches.subarray(s * size, (s + n) * size), n);
      for (let i = 0; i < n * this.dimension; i++) out[i % this.dimension] += e[i] / count;
    }
    return out;
  }

  /** Raw rows and per-item errors of `batch`, computed on this thread (yielding between clips). */
  computeRows(batch: readonly AudioInput[], signal: AbortSignal | undefined): Promise<BatchOutput> {
    const clip = { sampleRate: SAMPLE_RATE, maxSeconds: this.maxSeconds };
    return clipRows(
      batch,
      this.dimension,
      clip,
      (samples, label) => {
        const p = this.patchesOf(samples, label);
        return this.embedPatches(p.data, p.count);
      },
      signal,
    );
  }

  protected async encodeBatch(batch: readonly AudioInput[], signal: AbortSignal | undefined): Promise<BatchOutput> {
    if (this.disposed) throw new EmbedkitError(`the ${this.name} encoder has been disposed`);
    if (this.threads === 0) return this.computeRows(batch, signal);
    const { encodeAudioCnn } = await import('./audio-cnn-file.js');
    this.pool ??= AudioWorkerPool.start(
      { kind: 'audio-cnn', model: new Uint8Array(encodeAudioCnn(this.info, this.net)), maxSeconds: this.maxSeconds },
      this.threads,
    );
    return (await this.pool).run(batch, this.dimension);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).dispose();
  }

  protected cacheIdentity(): string {
    return `audio-cnn v1 ${this.name} ${this.file ?? ''} ${JSON.stringify(this.info.training)} ${this.maxSeconds}`;
  }

  protected override cacheKeyOf(input: AudioInput): Promise<Uint8Array | undefined> {
    return audioCacheKey(input);
  }

  /** Writes the encoder to one `.ekte` file (atomically); reload it with `loadAudioCnn`. */
  async save(file: string): Promise<void> {
    const { saveAudioCnn } = await import('./audio-cnn-file.js');
    await saveAudioCnn(file, this.info, this.net);
  }
}

/** Options of an {@link AudioCnnEncoder}. */
export interface AudioCnnEncoderOptions {
  /** Longer clips are cut to this many seconds. Default 600. */
  maxSeconds?: number;
  /** Worker threads that decode and embed the clips of `embed` (0 = the calling thread). Default 1. */
  threads?: number;
  /** The file the model came from (part of the cache identity). */
  file?: string;
}

/** Loads an audio CNN saved by `embedkit audio train` / {@link AudioCnnEncoder.save}. */
export async function loadAudioCnn(file: string, options: Omit<AudioCnnEncoderOptions, 'file'> = {}): Promise<AudioCnnEncoder> {
  const { readAudioCnnFile } = await import('./audio-cnn-file.js');
  const { info, net } = await readAudioCnnFile(file);
  return new AudioCnnEncoder(info, net, { ...options, file: path.resolve(file) });
}

/** The `audio-cnn` registry entry: options `path` (the .ekte file, required), `maxSeconds`, `threads`. */
export async function loadAudioCnnFromOptions(options: Record<string, unknown> = {}): Promise<AudioCnnEncoder> {
  const o = new LoadOptionReader('audio-cnn', options);
  const file = o.string('path');
  const maxSeconds = o.number('maxSeconds');
  const threads = o.integer('threads');
  o.done();
  if (file === undefined) throw new UsageError("audio-cnn: needs the option 'path' (a .ekte file saved by embedkit audio train)");
  return loadAudioCnn(file, { ...(maxSeconds !== undefined ? { maxSeconds } : {}), ...(threads !== undefined ? { threads } : {}) });
}
