import fs from 'node:fs/promises';
import { AbortError, EmbedkitError, FileFormatError, UsageError } from '../errors.js';
import { Resampler } from './resample.js';
import { decodeWavFrames, isWav, MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, parseWavHeader } from './wav.js';

/** Container formats embedkit reads. */
export type AudioFormat = 'wav' | 'flac' | 'ogg' | 'opus' | 'mp3';

/** Options of {@link openAudio} / {@link decodeAudio}. */
export interface DecodeOptions {
  /** Resample to this rate (Hz). Default: keep the file's rate. */
  sampleRate?: number;
  /** Stop after this many seconds of audio (the rest is not read); `truncated` tells. Default: no limit. */
  maxSeconds?: number;
  /** Bytes read from the file per step (bounds memory for long files). Default 1 MiB. */
  chunkBytes?: number;
  signal?: AbortSignal;
}

/** What {@link openAudio} learns from the file before decoding. */
export interface AudioSource {
  /** File path, or '<bytes>' for an in-memory input. */
  name: string;
  format: AudioFormat;
  /** The rate of the samples yielded (the target rate when resampling). */
  sampleRate: number;
  /**
   * Mono samples at `sampleRate`, chunk by chunk: the file is read, decoded, down-mixed (channel mean)
   * and resampled a piece at a time, so memory stays bounded whatever the length.
   */
  chunks(): AsyncGenerator<Float32Array>;
  /** Known after `chunks()` is exhausted: the file's own rate and channels, and whether `maxSeconds` cut it. */
  readonly stats: { sourceSampleRate: number; channels: number; truncated: boolean; sourceFrames: number };
}

/** A whole decoded clip (mono). */
export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  sourceSampleRate: number;
  channels: number;
  format: AudioFormat;
  truncated: boolean;
}

const CHUNK_BYTES = 1 << 20;

/** The format from the first bytes (magic numbers), or undefined. */
export function sniffAudioFormat(head: Uint8Array): AudioFormat | undefined {
  const s = (o: number, n: number): string => String.fromCharCode(...head.subarray(o, o + n));
  if (isWav(head)) return 'wav';
  if (head.length >= 4 && s(0, 4) === 'fLaC') return 'flac';
  if (head.length >= 4 && s(0, 4) === 'OggS') return s(28, 8) === 'OpusHead' ? 'opus' : 'ogg';
  if (head.length >= 3 && s(0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame: 11 sync bits, layer ≠ 0.
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0) return 'mp3';
  return undefined;
}

function checkOptions(options: DecodeOptions): void {
  const { sampleRate, maxSeconds, chunkBytes } = options;
  if (sampleRate !== undefined && (!Number.isSafeInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE))
    throw new UsageError(`sampleRate must be an integer in ${MIN_SAMPLE_RATE} .. ${MAX_SAMPLE_RATE}, got ${String(sampleRate)}`);
  if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new UsageError(`maxSeconds must be positive, got ${String(maxSeconds)}`);
  if (chunkBytes !== undefined && (!Number.isSafeInteger(chunkBytes) || chunkBytes < 4096))
    throw new UsageError(`chunkBytes must be an integer ≥ 4096, got ${String(chunkBytes)}`);
}

/** Reads a file (or an in-memory buffer) piece by piece. */
async function* readPieces(input: string | Uint8Array, from: number, chunkBytes: number): AsyncGenerator<Uint8Array> {
  if (typeof input !== 'string') {
    for (let o = from; o < input.length; o += chunkBytes) yield input.subarray(o, Math.min(input.length, o + chunkBytes));
    return;
  }
  const handle = await fs.open(input, 'r');
  try {
    let position = from;
    for (;;) {
      const buffer = new Uint8Array(chunkBytes);
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function readHead(input: string | Uint8Array, length: number): Promise<{ head: Uint8Array; size: number }> {
  if (typeof input !== 'string') return { head: input.subarray(0, length), size: input.length };
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(input, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileFormatError(input, code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? (error as Error).message})`);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new FileFormatError(input, 'is a directory, not an audio file');
    const head = new Uint8Array(Math.min(length, stats.size));
    await handle.read(head, 0, head.length, 0);
    return { head, size: stats.size };
  } finally {
    await handle.close();
  }
}

/**
 * Decoding FLAC/Ogg/MP3 needs the optional npm package audio-decode, which is not installed (WAV
 * is read without it). The encoders turn this into a MissingPackageError with the install command.
 */
export class MissingDecoderError extends EmbedkitError {
  readonly packageName = 'audio-decode';
  constructor(
    readonly file: string,
    readonly format: AudioFormat,
  ) {
    super(
      `${file}: reading ${format.toUpperCase()} needs the npm package audio-decode (npm install audio-decode); WAV is read without it`,
      'EMBEDKIT_MISSING_PACKAGE',
    );
  }
}

type DecodeChunked = (
  source: AsyncIterable<Uint8Array>,
  format: string,
) => AsyncGenerator<{ channelData: Float32Array[]; sampleRate: number }>;

let decoderPromise: Promise<DecodeChunked> | undefined;

/** audio-decode's chunked decoder, imported on first use (an optional dependency of embedkit). */
function loadDecoder(name: string, format: AudioFormat): Promise<DecodeChunked> {
  decoderPromise ??= import('audio-decode/stream')
    .then((m) => ((m as { decodeChunked?: DecodeChunked }).decodeChunked ?? (m as { default: DecodeChunked }).default) as DecodeChunked)
    .catch(() => {
      decoderPromise = undefined;
      throw new MissingDecoderError(name, format);
    });
  return decoderPromise;
}

/**
 * Opens an audio file (WAV PCM 8/16/24/32-bit or float; FLAC, Ogg Vorbis/Opus and MP3 through the
 * optional package audio-decode) for chunked decoding to mono at `options.sampleRate`. The format
 * is told by content, not by extension. WAV headers are validated against the file's length before
 * anything is allocated; a truncated WAV gives the frames present; corrupt compressed data fails
 * with a FileFormatError naming the file.
 */
export async function openAudio(input: string | Uint8Array, options: DecodeOptions = {}): Promise<AudioSource> {
  checkOptions(options);
  const name = typeof input === 'string' ? input : '<bytes>';
  const { head, size } = await readHead(input, 1 << 16);
  if (size === 0) throw new FileFormatError(name, 'empty file');
  const format = sniffAudioFormat(head);
  if (!format) throw new FileFormatError(name, 'not a WAV, FLAC, Ogg or MP3 file (unknown first bytes)');
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const stats = { sourceSampleRate: 0, channels: 0, truncated: false, sourceFrames: 0 };
  if (format === 'wav') {
    const info = parseWavHeader(head, size, name);
    if (info.frames === 0) throw new FileFormatError(name, 'WAV file has no audio samples');
    stats.sourceSampleRate = info.sampleRate;
    stats.channels = info.channels;
    const target = options.sampleRate ?? info.sampleRate;
    const maxFrames = options.maxSeconds !== undefined ? Math.ceil(options.maxSeconds * info.sampleRate) : Infinity;
    return {
      name,
      format,
      sampleRate: target,
      stats,
      async *chunks() {
        const resampler = new Resampler(info.sampleRate, target);
        const piece = Math.max(1, Math.floor(chunkBytes / info.blockAlign)) * info.blockAlign;
        let carry = new Uint8Array(0);
        let frames = 0;
        for await (const bytes of readPieces(input, info.dataOffset, piece)) {
          if (options.signal?.aborted) throw new AbortError();
          let data = bytes;
          if (carry.length > 0) {
            data = new Uint8Array(carry.length + bytes.length);
            data.set(carry);
            data.set(bytes, carry.length);
          }
          const remainingBytes = info.dataBytes - frames * info.blockAlign;
          let count = Math.floor(Math.min(data.length, remainingBytes) / info.blockAlign);
          if (frames + count > maxFrames) {
            count = maxFrames - frames;
            stats.truncated = true;
          }
          const mono = new Float32Array(count);
          decodeWavFrames(info, data, 0, count, mono);
          frames += count;
          carry = data.slice(count * info.blockAlign);
          const out = resampler.push(mono);
          if (out.length > 0) yield out;
          if (frames >= info.frames || frames >= maxFrames) break;
        }
        stats.sourceFrames = frames;
        const last = resampler.end();
        if (last.length > 0) yield last;
      },
    };
  }
  const decodeChunked = await loadDecoder(name, format);
  type Step = { channelData: Float32Array[]; sampleRate: number };
  const generator = decodeChunked(readPieces(input, 0, chunkBytes), format === 'ogg' ? 'oga' : format);
  const next = async (): Promise<Step | undefined> => {
    for (;;) {
      let step: IteratorResult<Step>;
      try {
        step = await generator.next();
      } catch (error) {
        throw new FileFormatError(name, `corrupt or truncated ${format.toUpperCase()} data (${(error as Error).message})`);
      }
      if (step.done) return undefined;
      const { channelData } = step.value;
      if (channelData && channelData.length > 0 && channelData[0].length > 0) return step.value;
    }
  };
  // The first decoded block tells the rate and channels before any sample is handed out.
  let first: Step | undefined;
  try {
    first = await next();
  } catch (error) {
    await generator.return(undefined).catch(() => undefined);
    throw error;
  }
  if (!first) throw new FileFormatError(name, `no audio samples could be decoded from the ${format.toUpperCase()} data`);
  const sourceRate = first.sampleRate;
  if (!Number.isSafeInteger(sourceRate) || sourceRate < MIN_SAMPLE_RATE || sourceRate > MAX_SAMPLE_RATE)
    throw new FileFormatError(name, `${format.toUpperCase()} stream has a sample rate of ${sourceRate} Hz`);
  if (first.channelData.length > MAX_CHANNELS)
    throw new FileFormatError(name, `${first.channelData.length} channels (1 .. ${MAX_CHANNELS} accepted)`);
  stats.sourceSampleRate = sourceRate;
  stats.channels = first.channelData.length;
  const target = options.sampleRate ?? sourceRate;
  const maxFrames = options.maxSeconds !== undefined ? Math.ceil(options.maxSeconds * sourceRate) : Infinity;
  return {
    name,
    format,
    sampleRate: target,
    stats,
    async *chunks() {
      const resampler = new Resampler(sourceRate, target);
      let frames = 0;
      try {
        for (let block: Step | undefined = first; block; block = await next()) {
          first = undefined;
          if (options.signal?.aborted) throw new AbortError();
          const { channelData } = block;
          if (block.sampleRate !== sourceRate)
            throw new FileFormatError(name, `sample rate changes mid-stream (${sourceRate} → ${block.sampleRate} Hz)`);
          let count = channelData[0].length;
          if (frames + count > maxFrames) {
            count = maxFrames - frames;
            stats.truncated = true;
          }
          const mono = new Float32Array(count);
          const scale = 1 / channelData.length;
          for (const channel of channelData)
            for (let i = 0; i < count; i++) {
              const v = channel[i];
              mono[i] += Number.isFinite(v) ? v * scale : 0;
            }
          frames += count;
          const out = resampler.push(mono);
          if (out.length > 0) yield out;
          if (stats.truncated) break;
        }
      } finally {
        await generator.return(undefined).catch(() => undefined);
      }
      stats.sourceFrames = frames;
      const last = resampler.end();
      if (last.length > 0) yield last;
    },
  };
}

/** Decodes a whole clip to mono at `options.sampleRate` (see {@link openAudio}). */
export async function decodeAudio(input: string | Uint8Array, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const source = await openAudio(input, options);
  const parts: Float32Array[] = [];
  let total = 0;
  for await (const chunk of source.chunks()) {
    parts.push(chunk);
    total += chunk.length;
  }
  const samples = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    samples.set(p, o);
    o += p.length;
  }
  return {
    samples,
    sampleRate: source.sampleRate,
    sourceSampleRate: source.stats.sourceSampleRate,
    channels: source.stats.channels,
    format: source.format,
    truncated: source.stats.truncated,
  };
}
