import { open, stat } from 'node:fs/promises';
import type { Sharp, SharpOptions } from 'sharp';
import { UsageError } from '../../errors.js';
import { importOptional } from '../packages.js';
import { ImageInputError } from './errors.js';
import { DEFAULT_MAX_INPUT_PIXELS, type ImageInput, type RawImage } from './types.js';

type SharpFactory = (input?: string | Uint8Array, options?: SharpOptions) => Sharp;

let sharpModule: Promise<SharpFactory> | undefined;

/** sharp's factory function, imported on first use (MissingPackageError when sharp is not installed). */
export function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= importOptional<{ default: SharpFactory }>('image', 'sharp', 'sharp', 'image decoding').then((m) => m.default);
  sharpModule.catch(() => (sharpModule = undefined));
  return sharpModule;
}

/** The encoded image formats sharp decodes (the prebuilt libvips of sharp 0.35). */
export const DECODABLE_FORMATS = 'JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF (AV1), SVG';

function isRawImage(input: unknown): input is RawImage {
  return typeof input === 'object' && input !== null && !(input instanceof Uint8Array) && 'data' in input && 'width' in input;
}

/** How an input is named in error messages: its path, or `input N (what it is)`. */
export function inputLabel(input: unknown, index: number): string {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return `input ${index} (${input.constructor.name} of ${input.length} bytes)`;
  if (isRawImage(input)) return `input ${index} (raw ${input.width}×${input.height}×${input.channels} pixels)`;
  return `input ${index}`;
}

/**
 * A sharp pipeline reading `input` with EXIF auto-orientation, the first frame of animations, and
 * the pixel limit. Throws ImageInputError for inputs that are not images at all (wrong type, bad raw
 * shape) without touching sharp.
 */
export function openImage(sharp: SharpFactory, input: ImageInput, label: string, maxInputPixels = DEFAULT_MAX_INPUT_PIXELS): Sharp {
  if (!Number.isSafeInteger(maxInputPixels) || maxInputPixels < 0)
    throw new UsageError(`maxInputPixels must be a non-negative integer, got ${String(maxInputPixels)}`);
  const common: SharpOptions = { autoOrient: true, limitInputPixels: maxInputPixels === 0 ? false : maxInputPixels, pages: 1, page: 0 };
  if (typeof input === 'string') {
    if (input.length === 0) throw new ImageInputError(label, 'empty path');
    return sharp(input, common);
  }
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw new ImageInputError(label, 'empty buffer (0 bytes)');
    return sharp(input, common);
  }
  if (isRawImage(input)) {
    const { data, width, height, channels } = input;
    if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1)
      throw new ImageInputError(label, `raw image width and height must be positive integers, got ${String(width)}×${String(height)}`);
    if (![1, 2, 3, 4].includes(channels))
      throw new ImageInputError(label, `raw image channels must be 1, 2, 3 or 4, got ${String(channels)}`);
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray))
      throw new ImageInputError(label, 'raw image data must be a Uint8Array or Uint8ClampedArray');
    if (data.length !== width * height * channels)
      throw new ImageInputError(
        label,
        `raw image data has ${data.length} bytes, expected width × height × channels = ${width * height * channels}`,
      );
    if (maxInputPixels > 0 && width * height > maxInputPixels) throw tooLarge(label, width, height, maxInputPixels);
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return sharp(bytes, { raw: { width, height, channels } });
  }
  throw new ImageInputError(
    label,
    `not an image input: expected a file path, a Uint8Array/Buffer of an encoded image, or {data, width, height, channels}, got ${input === null ? 'null' : typeof input}`,
  );
}

function tooLarge(label: string, width: number, height: number, limit: number): ImageInputError {
  return new ImageInputError(
    label,
    `image of ${width}×${height} = ${(width * height).toLocaleString('en-US')} pixels is above the limit of ${limit.toLocaleString('en-US')} pixels (maxInputPixels)`,
  );
}

/** Names a format from the first bytes of a file that sharp refused. */
function sniffUnsupported(head: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 2 && ascii(0, 2) === 'BM') return 'BMP';
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0) return 'ICO';
  if (head.length >= 4 && ascii(0, 4) === '8BPS') return 'PSD';
  if (head.length >= 4 && ascii(0, 4) === '%PDF') return 'PDF';
  if (head.length >= 12 && ascii(4, 8) === 'ftyp' && /^(heic|heix|hevc|hevx|mif1)$/.test(ascii(8, 12))) return 'HEIC (HEVC-coded)';
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) !== 'WEBP') return `RIFF ${ascii(8, 12).trim()}`;
  return undefined;
}

async function fileHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(16);
    const { bytesRead } = await handle.read(buffer, 0, 16, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Turns a failure of sharp on `input` into an ImageInputError with a clear problem. Called only on
 * the error path (it may stat the file or read its header).
 */
export async function describeFailure(
  sharp: SharpFactory,
  input: ImageInput,
  label: string,
  error: unknown,
  maxInputPixels: number,
): Promise<ImageInputError> {
  if (error instanceof ImageInputError) return error;
  const message = String((error as Error)?.message ?? error);
  const first = message.split('\n')[0].trim();
  if (typeof input === 'string') {
    try {
      const s = await stat(input);
      if (s.isDirectory()) return new ImageInputError(label, 'is a directory, not an image file');
      if (!s.isFile()) return new ImageInputError(label, 'not a regular file');
      if (s.size === 0) return new ImageInputError(label, 'empty file (0 bytes)');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return new ImageInputError(label, 'file not found');
      if (code === 'EACCES' || code === 'EPERM') return new ImageInputError(label, 'permission denied');
      return new ImageInputError(label, `cannot read the file: ${(e as Error).message}`);
    }
  }
  if (/exceeds pixel limit/i.test(first) && (typeof input === 'string' || input instanceof Uint8Array)) {
    try {
      const m = await sharp(input, { limitInputPixels: false }).metadata();
      if (m.width && m.height) return tooLarge(label, m.width, m.height, maxInputPixels);
    } catch {
      // fall through to the generic message
    }
    return new ImageInputError(label, `image has more pixels than the limit of ${maxInputPixels.toLocaleString('en-US')} (maxInputPixels)`);
  }
  if (/unsupported image format/i.test(first)) {
    let head: Uint8Array | undefined;
    try {
      head = typeof input === 'string' ? await fileHead(input) : input instanceof Uint8Array ? input.subarray(0, 16) : undefined;
    } catch {
      head = undefined;
    }
    const known = head ? sniffUnsupported(head) : undefined;
    if (known) return new ImageInputError(label, `${known} is not a supported image format (supported: ${DECODABLE_FORMATS})`);
    return new ImageInputError(label, `not an image, or a format that cannot be decoded (supported: ${DECODABLE_FORMATS})`);
  }
  if (/Input file is missing/i.test(first)) return new ImageInputError(label, 'file not found');
  // libvips's error text can be replaced by its generic "Warning treated as error due to failOn
  // setting" when several images decode at once: it still means damaged data.
  if (/failOn setting/i.test(first)) return new ImageInputError(label, 'corrupt or truncated image (the decoder reported damaged data)');
  if (/corrupt|premature end|truncated|bogus|invalid|read error|not a (jpeg|png)/i.test(message)) {
    const detail = first.replace(/^Input (file|buffer) (has corrupt header|is truncated):?\s*/i, '').trim();
    return new ImageInputError(label, `corrupt or truncated image${detail ? ` (${detail})` : ''}`);
  }
  return new ImageInputError(label, `cannot decode the image: ${first}`);
}

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Default 40,000,000; 0 = no limit. */
  maxInputPixels?: number;
  /** Shrink (never enlarge) so that neither side exceeds this many pixels, keeping the aspect ratio. */
  maxSide?: number;
}

/**
 * Decodes one image to 8-bit RGB pixels (HWC), EXIF orientation applied, transparency flattened on
 * white, first frame of animations. ImageInputError naming the input when it cannot be used.
 */
export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<RawImage & { channels: 3 }> {
  const sharp = await loadSharp();
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const label = inputLabel(input, 0);
  try {
    let img = openImage(sharp, input, label, maxInputPixels)
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb');
    if (options.maxSide !== undefined) img = img.resize(options.maxSide, options.maxSide, { fit: 'inside', withoutEnlargement: true });
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageInputError(label, `decoded to ${info.channels} channels instead of 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw await describeFailure(sharp, input, label, error, maxInputPixels);
  }
}
