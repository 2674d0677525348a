import { readFile } from 'node:fs/promises';
import { decodeAudio, MissingDecoderError } from '../../audio/decode.js';
import { resample } from '../../audio/resample.js';
import { EmbedkitError, UsageError } from '../../errors.js';
import { yieldToEventLoop } from '../../kernels/yield.js';
import type { BatchOutput } from '../batch.js';
import { MissingPackageError } from '../packages.js';

/** File extensions taken from folders by `embedkit embed audio` (the format itself is told by content). */
export const AUDIO_EXTENSIONS: readonly string[] = ['wav', 'wave', 'flac', 'ogg', 'oga', 'opus', 'mp3'];

/** Decoded samples (mono, any rate) given directly instead of a file. */
export interface AudioSamples {
  samples: Float32Array;
  sampleRate: number;
}

/**
 * What audio encoders take: a file path (WAV, FLAC, Ogg, MP3; see `openAudio`), the bytes of such
 * a file, or decoded mono samples with their rate.
 */
export type AudioInput = string | Uint8Array | AudioSamples;

/** A clip ready for feature extraction: mono samples at the encoder's rate. */
export interface Clip {
  samples: Float32Array;
  /** The clip was longer than `maxSeconds` and was cut. */
  truncated: boolean;
}

function isSamples(input: AudioInput): input is AudioSamples {
  return (
    typeof input === 'object' && input !== null && !(input instanceof Uint8Array) && (input as AudioSamples).samples instanceof Float32Array
  );
}

/** Label of an input in error messages. */
export function inputLabel(input: AudioInput): string {
  return typeof input === 'string' ? input : input instanceof Uint8Array ? '<bytes>' : '<samples>';
}

/**
 * Decodes/resamples one audio input to mono at `sampleRate`, at most `maxSeconds` long, as the audio
 * encoders do: digital silence and empty clips are errors naming the input; reading FLAC/Ogg/MP3
 * without the optional package audio-decode is a MissingPackageError with the install command.
 */
export async function loadClip(input: AudioInput, sampleRate: number, maxSeconds: number, signal?: AbortSignal): Promise<Clip> {
  let samples: Float32Array;
  let truncated = false;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let decoded: Awaited<ReturnType<typeof decodeAudio>>;
    try {
      decoded = await decodeAudio(input, { sampleRate, maxSeconds, signal });
    } catch (error) {
      if (error instanceof MissingDecoderError)
        throw new MissingPackageError('audio', 'audio-decode', `${error.file}: reading ${error.format.toUpperCase()} (WAV needs nothing)`);
      throw error;
    }
    samples = decoded.samples;
    truncated = decoded.truncated;
  } else if (isSamples(input)) {
    const rate = input.sampleRate;
    if (!Number.isSafeInteger(rate) || rate < 1000 || rate > 768000)
      throw new UsageError(`<samples>: sample rate must be an integer in 1000 .. 768000, got ${String(rate)}`);
    let raw = input.samples;
    const max = Math.ceil(maxSeconds * rate);
    if (raw.length > max) {
      raw = raw.subarray(0, max);
      truncated = true;
    }
    samples = rate === sampleRate ? raw : resample(raw, rate, sampleRate);
  } else {
    throw new UsageError('an audio input must be a file path, the bytes of an audio file, or { samples: Float32Array, sampleRate }');
  }
  const label = inputLabel(input);
  if (samples.length === 0) throw new EmbedkitError(`${label}: no audio samples`);
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = Math.abs(samples[i]);
    if (v > peak) peak = v;
    else if (!(v === v)) throw new EmbedkitError(`${label}: the samples contain NaN`);
  }
  if (!Number.isFinite(peak)) throw new EmbedkitError(`${label}: the samples contain infinite values`);
  if (peak < 1e-5) throw new EmbedkitError(`${label}: the clip is silent (peak below −100 dBFS), nothing to embed`);
  return { samples, truncated };
}

/** The cache key of an input: the file's bytes, the bytes, or the samples and rate. */
export async function audioCacheKey(input: AudioInput): Promise<Uint8Array | undefined> {
  if (typeof input === 'string') return readFile(input).catch(() => undefined);
  if (input instanceof Uint8Array) return input;
  if (isSamples(input)) {
    const head = new Uint8Array(new Float64Array([input.sampleRate]).buffer);
    const body = new Uint8Array(input.samples.buffer, input.samples.byteOffset, input.samples.byteLength);
    const key = new Uint8Array(head.length + body.length);
    key.set(head);
    key.set(body, head.length);
    return key;
  }
  return undefined;
}

/**
 * Rows of `batch` (`batch.length × dim`) on the calling thread, yielding between clips: each input
 * is loaded by {@link loadClip} and turned into its row by `vectorOf(samples, label)`. A failing
 * item becomes an error naming it; the others go on.
 */
export async function clipRows(
  batch: readonly AudioInput[],
  dim: number,
  clip: { sampleRate: number; maxSeconds: number },
  vectorOf: (samples: Float32Array, label: string) => Float32Array,
  signal: AbortSignal | undefined,
): Promise<BatchOutput> {
  const data = new Float32Array(batch.length * dim);
  const errors: { index: number; message: string }[] = [];
  for (let i = 0; i < batch.length; i++) {
    await yieldToEventLoop(signal);
    try {
      const { samples } = await loadClip(batch[i], clip.sampleRate, clip.maxSeconds, signal);
      data.set(vectorOf(samples, inputLabel(batch[i])), i * dim);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      errors.push({ index: i, message: (error as Error).message });
    }
  }
  return { data, errors };
}
