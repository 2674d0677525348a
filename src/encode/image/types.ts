/** Pixels already decoded: `height × width × channels` bytes, row-major, interleaved (HWC). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
}

/**
 * One image to embed: a file path, the bytes of an encoded image (JPEG, PNG, WebP, GIF, TIFF, AVIF,
 * SVG; a Buffer is a Uint8Array), or decoded pixels.
 */
export type ImageInput = string | Uint8Array | RawImage;

/**
 * How an image is brought to the model's input size:
 * - `cover`: scale to fill the box, crop the overflow around the centre (no distortion, loses borders);
 * - `contain`: scale to fit inside the box, pad with `background` (no distortion, keeps everything);
 * - `fill`: stretch to the box (distorts the aspect ratio; what nsfwjs itself does).
 */
export type ResizeMode = 'cover' | 'contain' | 'fill';

/**
 * Pixel value mapping, applied per channel to RGB bytes `v` (0..255):
 * - `unit`: `v / 255` → [0, 1];
 * - `symmetric`: `v / 127.5 − 1` → [−1, 1];
 * - `raw`: `v` (0..255 as floats);
 * - `{ mean, std }`: `(v / 255 − mean[c]) / std[c]` (torchvision's convention; mean/std in [0, 1] units).
 */
export type Normalization = 'unit' | 'symmetric' | 'raw' | { mean: readonly number[]; std: readonly number[] };

/** Tensor layout of a batch: `nhwc` (TensorFlow) or `nchw` (PyTorch/ONNX). */
export type Layout = 'nhwc' | 'nchw';

/** Everything that turns one input into the model's input tensor row. */
export interface PreprocessOptions {
  /** Output width in pixels. */
  width: number;
  /** Output height in pixels. */
  height: number;
  /** Default `cover`. */
  resize?: ResizeMode;
  /**
   * Resize to `size / centerCropFraction` first, then crop the centre `size` (ImageNet evaluation:
   * 0.875 = resize 256, crop 224). Default 1 (no extra crop). In (0, 1].
   */
  centerCropFraction?: number;
  /** Default `unit`. */
  normalization?: Normalization;
  /** Default `nhwc`. */
  layout?: Layout;
  /** Default `rgb` (Caffe-style models want `bgr`). */
  channelOrder?: 'rgb' | 'bgr';
  /** Colour that transparency is flattened onto and `contain` pads with. Default white. */
  background?: { r: number; g: number; b: number };
  /** Larger images are refused (per-item error) before decoding. Default 40,000,000 (40 MP); 0 = no limit. */
  maxInputPixels?: number;
}

/** Default of {@link PreprocessOptions.maxInputPixels}: 40 megapixels. */
export const DEFAULT_MAX_INPUT_PIXELS = 40_000_000;
