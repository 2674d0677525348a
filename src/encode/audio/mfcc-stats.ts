import type { Matrix } from '../../math/matrix.js';
import { powerToDb } from '../../audio/db.js';
import { delta, mfccFromLogMel } from '../../audio/mfcc.js';
import { melSpectrogram } from '../../audio/stft.js';
import { UsageError } from '../../errors.js';
import { BatchEncoder } from '../base.js';
import type { BatchOutput } from '../batch.js';
import type { Modality } from '../types.js';
import { AudioWorkerPool } from './audio-pool.js';
import { audioCacheKey, clipRows, type AudioInput } from './inputs.js';

/** Options of the `mfcc-stats` encoder (explicit, with their defaults). */
export interface MfccStatsOptions {
  /** Clips are resampled to this rate. Default 16000. */
  sampleRate?: number;
  /** 25 ms frames (400 samples at 16 kHz) in a 512-point FFT, every 10 ms: the speech defaults. */
  nFft?: number;
  winLength?: number;
  hopLength?: number;
  /** Mel bands (Slaney). Default 40. */
  nMels?: number;
  /** Default 20 Hz. */
  fmin?: number;
  /** Default sampleRate / 2. */
  fmax?: number;
  /** MFCCs computed (c0, the loudness, is left out of the vector). Default 20. */
  nMfcc?: number;
  /** Equal time segments whose mean MFCCs keep the coarse order of the sounds. Default 4. */
  segments?: number;
  /** Leading/trailing frames quieter than the loudest frame by more than this (dB) are trimmed first. Default 40. */
  trimDb?: number;
  /** Longer clips are cut to this many seconds. Default 600. */
  maxSeconds?: number;
  batchSize?: number;
  /** Unit-normalise the vectors. Default true. */
  normalize?: boolean;
  /** Worker threads that decode the clips and compute the vectors of `embed` (0 = the calling thread). Default 1. */
  threads?: number;
}

const KNOWN = [
  'sampleRate',
  'nFft',
  'winLength',
  'hopLength',
  'nMels',
  'fmin',
  'fmax',
  'nMfcc',
  'segments',
  'trimDb',
  'maxSeconds',
  'batchSize',
  'normalize',
  'threads',
];

type Resolved = Required<Omit<MfccStatsOptions, 'batchSize' | 'normalize' | 'fmax' | 'threads'>> & { fmax: number };

function resolve(options: MfccStatsOptions): Resolved {
  for (const key of Object.keys(options))
    if (!KNOWN.includes(key)) throw new UsageError(`unknown option '${key}' of the mfcc-stats encoder (known: ${KNOWN.join(', ')})`);
  const sampleRate = options.sampleRate ?? 16000;
  const r: Resolved = {
    sampleRate,
    nFft: options.nFft ?? 512,
    winLength: options.winLength ?? Math.round(0.025 * sampleRate),
    hopLength: options.hopLength ?? Math.round(0.01 * sampleRate),
    nMels: options.nMels ?? 40,
    fmin: options.fmin ?? 20,
    fmax: options.fmax ?? sampleRate / 2,
    nMfcc: options.nMfcc ?? 20,
    segments: options.segments ?? 4,
    trimDb: options.trimDb ?? 40,
    maxSeconds: options.maxSeconds ?? 600,
  };
  if (!Number.isSafeInteger(r.nMfcc) || r.nMfcc < 2 || r.nMfcc > r.nMels)
    throw new UsageError(`nMfcc must be an integer in 2 .. nMels (${r.nMels}), got ${String(r.nMfcc)}`);
  if (!Number.isSafeInteger(r.segments) || r.segments < 1 || r.segments > 64)
    throw new UsageError(`segments must be an integer in 1 .. 64, got ${String(r.segments)}`);
  if (!(r.trimDb > 0)) throw new UsageError(`trimDb must be positive, got ${String(r.trimDb)}`);
  if (!(r.maxSeconds > 0)) throw new UsageError(`maxSeconds must be positive, got ${String(r.maxSeconds)}`);
  return r;
}

/** Dimension of the vector for these settings: see {@link mfccStatsVector}. */
export function mfccStatsDimension(nMfcc: number, segments: number): number {
  const c = nMfcc - 1;
  return 2 * c + nMfcc + segments * c;
}

/** First and last frame (exclusive) louder than max − trimDb (frame energy = Σ mel power). */
function trimRange(mel: Matrix, trimDb: number): [number, number] {
  const energy = new Float64Array(mel.rows);
  let max = 0;
  for (let t = 0; t < mel.rows; t++) {
    let s = 0;
    for (let m = 0; m < mel.dim; m++) s += mel.data[t * mel.dim + m];
    energy[t] = s;
    if (s > max) max = s;
  }
  const floor = max * 10 ** (-trimDb / 10);
  let a = 0;
  while (a < mel.rows - 1 && energy[a] < floor) a++;
  let b = mel.rows;
  while (b > a + 1 && energy[b - 1] < floor) b--;
  return [a, b];
}

function l2(block: Float64Array): Float64Array {
  let s = 0;
  for (const v of block) s += v * v;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < block.length; i++) block[i] /= n;
  return block;
}

/**
 * The `mfcc-stats` vector of mono samples at `o.sampleRate`: MFCCs (librosa's convention: DCT-II
 * ortho of power_to_db of a Slaney mel spectrogram) of the clip trimmed of leading/trailing
 * quiet frames, then four blocks, each unit-normalised (so that no block dominates by scale) and
 * weighted equally: [mean of c1..], [std of c1..], [std of the deltas of c0..], and the means of
 * c1.. over `segments` equal time segments minus the clip mean (the coarse order of the sounds,
 * which tells spoken words apart). c0 (overall loudness) is left out.
 */
export function mfccStatsVector(samples: Float32Array, o: Resolved): Float32Array {
  const mel = melSpectrogram(samples, o.sampleRate, {
    nFft: o.nFft,
    winLength: o.winLength,
    hopLength: o.hopLength,
    nMels: o.nMels,
    fmin: o.fmin,
    fmax: o.fmax,
  });
  const [a, b] = trimRange(mel, o.trimDb);
  const trimmed: Matrix = { rows: b - a, dim: mel.dim, data: mel.data.subarray(a * mel.dim, b * mel.dim) };
  const cc = mfccFromLogMel(powerToDb(trimmed), o.nMfcc);
  const d = delta(cc);
  const T = cc.rows;
  const n = o.nMfcc;
  const c = n - 1;
  const mean = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let t = 0; t < T; t++)
    for (let k = 1; k < n; k++) {
      const v = cc.data[t * n + k];
      mean[k - 1] += v / T;
      sq[k - 1] += (v * v) / T;
    }
  const std = mean.map((m, k) => Math.sqrt(Math.max(0, sq[k] - m * m)));
  const dStd = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    let s2 = 0;
    for (let t = 0; t < T; t++) {
      const v = d.data[t * n + k];
      s += v;
      s2 += v * v;
    }
    dStd[k] = Math.sqrt(Math.max(0, s2 / T - (s / T) ** 2));
  }
  const seg = new Float64Array(o.segments * c);
  for (let s = 0; s < o.segments; s++) {
    // Segment s covers frames [s·T/S, (s+1)·T/S); a clip shorter than S frames repeats frames.
    const from = Math.min(T - 1, Math.floor((s * T) / o.segments));
    const to = Math.max(from + 1, Math.floor(((s + 1) * T) / o.segments));
    for (let t = from; t < to; t++) for (let k = 1; k < n; k++) seg[s * c + k - 1] += cc.data[t * n + k] / (to - from);
    for (let k = 0; k < c; k++) seg[s * c + k] -= mean[k];
  }
  const blocks = [l2(mean), l2(std), l2(dStd), l2(seg)];
  const out = new Float32Array(mfccStatsDimension(n, o.segments));
  let p = 0;
  const w = 1 / Math.sqrt(blocks.length);
  for (const block of blocks) for (const v of block) out[p++] = v * w;
  return out;
}

/**
 * `mfcc-stats`: an audio embedding with no model — statistics of MFCCs and their deltas over time,
 * plus segment means that keep the coarse order (see {@link mfccStatsVector}).
 */
export class MfccStatsEncoder extends BatchEncoder<AudioInput> {
  readonly name = 'mfcc-stats';
  readonly modality: Modality = 'audio';
  readonly dimension: number;
  readonly options: Readonly<Resolved>;

  /** Worker threads of `embed` (0 = the calling thread, yielding between clips). */
  readonly threads: number;
  private pool?: Promise<AudioWorkerPool>;
  private readonly given: MfccStatsOptions;

  constructor(options: MfccStatsOptions = {}) {
    super();
    this.options = resolve(options);
    this.dimension = mfccStatsDimension(this.options.nMfcc, this.options.segments);
    this.defaultBatchSize = options.batchSize ?? 16;
    if (options.normalize !== undefined) this.defaultNormalize = options.normalize;
    this.threads = options.threads ?? 1;
    if (!Number.isSafeInteger(this.threads) || this.threads < 0 || this.threads > 64)
      throw new UsageError(`threads must be an integer in 0 .. 64, got ${String(options.threads)}`);
    this.given = { ...options };
  }

  /** Raw rows and per-item errors of `batch`, computed on this thread (yielding between clips). */
  computeRows(batch: readonly AudioInput[], signal: AbortSignal | undefined): Promise<BatchOutput> {
    return clipRows(batch, this.dimension, this.options, (samples) => mfccStatsVector(samples, this.options), signal);
  }

  protected async encodeBatch(batch: readonly AudioInput[], signal: AbortSignal | undefined): Promise<BatchOutput> {
    if (this.threads === 0) return this.computeRows(batch, signal);
    this.pool ??= AudioWorkerPool.start({ kind: 'mfcc-stats', options: { ...this.given, threads: 0 } }, this.threads);
    return (await this.pool).run(batch, this.dimension);
  }

  async dispose(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).dispose();
  }

  protected cacheIdentity(): string {
    return `mfcc-stats v1 ${JSON.stringify(this.options)}`;
  }

  protected override cacheKeyOf(input: AudioInput): Promise<Uint8Array | undefined> {
    return audioCacheKey(input);
  }
}

/** Loads the `mfcc-stats` encoder (nothing to load: checks the options). */
export function loadMfccStatsEncoder(options: MfccStatsOptions = {}): MfccStatsEncoder {
  return new MfccStatsEncoder(options);
}
