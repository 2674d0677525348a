import { FileFormatError } from '../errors.js';

/** Sample encodings a WAV file may hold. */
export type WavEncoding = 'pcm' | 'float';

/** What the header of a RIFF/WAVE file says. */
export interface WavInfo {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
  /** Byte offset of the sample data. */
  dataOffset: number;
  /** Bytes of sample data actually present (the declared size, capped by the file's length). */
  dataBytes: number;
  frames: number;
}

/** Channels and sample rates accepted (larger values are corrupt headers, not audio). */
export const MAX_CHANNELS = 64;
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768000;

const ascii = (b: Uint8Array, o: number): string => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);

/** True when `head` starts like a RIFF/WAVE file. */
export function isWav(head: Uint8Array): boolean {
  return head.length >= 12 && ascii(head, 0) === 'RIFF' && ascii(head, 8) === 'WAVE';
}

/**
 * Parses the chunks of a WAV file up to its `data` chunk. `head` is the start of the file (enough to
 * reach the data chunk: 64 KiB is plenty for real files); `fileSize` caps the data size of files
 * whose header declares more than they hold (truncated files, streams written with size 0/−1).
 */
export function parseWavHeader(head: Uint8Array, fileSize: number, file: string): WavInfo {
  if (!isWav(head)) throw new FileFormatError(file, 'not a RIFF/WAVE file');
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'frames'> | undefined;
  while (offset + 8 <= head.length) {
    const id = ascii(head, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) throw new FileFormatError(file, `WAV fmt chunk too short (${size} bytes)`);
      let format = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const blockAlign = view.getUint16(body + 12, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (format === 0xfffe) {
        // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
        if (size < 40 || body + 26 > head.length) throw new FileFormatError(file, 'WAV extensible fmt chunk too short');
        format = view.getUint16(body + 24, true);
      }
      if (format !== 1 && format !== 3)
        throw new FileFormatError(
          file,
          `unsupported WAV sample format ${format} (only PCM 1 and IEEE float 3; compressed WAV is not read)`,
        );
      const encoding: WavEncoding = format === 3 ? 'float' : 'pcm';
      if (channels < 1 || channels > MAX_CHANNELS)
        throw new FileFormatError(file, `WAV header declares ${channels} channels (1 .. ${MAX_CHANNELS} accepted)`);
      if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE)
        throw new FileFormatError(
          file,
          `WAV header declares a sample rate of ${sampleRate} Hz (${MIN_SAMPLE_RATE} .. ${MAX_SAMPLE_RATE} accepted)`,
        );
      const validBits = encoding === 'float' ? [32, 64] : [8, 16, 24, 32];
      if (!validBits.includes(bitsPerSample))
        throw new FileFormatError(file, `unsupported WAV ${encoding} sample size of ${bitsPerSample} bits (${validBits.join(', ')} read)`);
      if (blockAlign !== (channels * bitsPerSample) / 8)
        throw new FileFormatError(file, `WAV block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`);
      fmt = { encoding, channels, sampleRate, bitsPerSample, blockAlign };
    } else if (id === 'data') {
      if (!fmt) throw new FileFormatError(file, 'WAV data chunk before the fmt chunk');
      const available = Math.max(0, fileSize - body);
      // 0 and 0xFFFFFFFF are what streaming writers put when the length was unknown.
      const declared = size === 0 || size === 0xffffffff ? available : size;
      const dataBytes = Math.min(declared, available);
      const frames = Math.floor(dataBytes / fmt.blockAlign);
      return { ...fmt, dataOffset: body, dataBytes: frames * fmt.blockAlign, frames };
    }
    offset = body + size + (size & 1);
  }
  if (!fmt) throw new FileFormatError(file, 'WAV file has no fmt chunk (truncated header?)');
  throw new FileFormatError(file, 'WAV file has no data chunk (truncated?)');
}

/**
 * Decodes `frames` whole sample frames of `bytes` (starting at `offset`) into mono float samples in
 * [-1, 1] (the mean of the channels): 8-bit PCM is unsigned around 128, others are signed
 * little-endian, floats are taken as they are (non-finite values become 0).
 */
export function decodeWavFrames(info: WavInfo, bytes: Uint8Array, offset: number, frames: number, out: Float32Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { channels, bitsPerSample, encoding } = info;
  const step = bitsPerSample / 8;
  const scale = 1 / channels;
  let p = offset;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, p += step) {
      let v: number;
      if (encoding === 'float') {
        v = bitsPerSample === 32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
        if (!Number.isFinite(v)) v = 0;
      } else if (bitsPerSample === 16) v = view.getInt16(p, true) / 32768;
      else if (bitsPerSample === 8) v = (bytes[p] - 128) / 128;
      else if (bitsPerSample === 24) {
        const u = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16);
        v = ((u << 8) >> 8) / 8388608;
      } else v = view.getInt32(p, true) / 2147483648;
      sum += v;
    }
    out[f] = sum * scale;
  }
}
