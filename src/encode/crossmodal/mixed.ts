import type { RawImage } from '../image/types.js';
import type { EmbedOptions, Embeddings, Encoder } from '../types.js';

/** An image file named by path, in a mixed input list (a plain string is a text). */
export interface ImageFile {
  path: string;
}

/** One input of a cross-modal `embed`: a text, or an image (encoded bytes, decoded pixels, or a file). */
export type MixedInput = string | Uint8Array | RawImage | ImageFile;

/** Whether a mixed input is a text. */
export function isTextInput(input: MixedInput): input is string {
  return typeof input === 'string';
}

/** Marks a path as an image file for a mixed `embed` (plain strings are texts). */
export function imageFile(path: string): ImageFile {
  return { path };
}

/**
 * Embeds texts and images into one shared space in a single call (`clip.embed(['a photo of a cat',
 * imageFile('cat.jpg')])`): the texts go to the text encoder and the images to the image encoder,
 * each as one batch, and the rows come back in input order. Per-input errors keep their input's
 * index; progress counts both parts.
 */
export async function embedMixed(
  text: Encoder<string>,
  image: Encoder<string | Uint8Array | RawImage>,
  inputs: readonly MixedInput[],
  options: EmbedOptions = {},
): Promise<Embeddings> {
  const textAt: number[] = [];
  const imageAt: number[] = [];
  const texts: string[] = [];
  const images: (string | Uint8Array | RawImage)[] = [];
  inputs.forEach((input, i) => {
    if (isTextInput(input)) {
      textAt.push(i);
      texts.push(input);
    } else {
      imageAt.push(i);
      images.push(isImageFile(input) ? input.path : input);
    }
  });
  const dim = text.dimension;
  const data = new Float32Array(inputs.length * dim);
  const errors: Embeddings['errors'] = [];
  const total = inputs.length;
  let before = 0;
  const part = async (encoder: Encoder<never>, items: readonly unknown[], at: number[]) => {
    if (items.length === 0) return;
    const offset = before;
    const r = await (encoder as Encoder<unknown>).embed(items, {
      ...options,
      onProgress: options.onProgress ? (done) => options.onProgress!(offset + done, total) : undefined,
    });
    at.forEach((i, j) => data.set(r.data.subarray(j * dim, (j + 1) * dim), i * dim));
    for (const e of r.errors) errors.push({ index: at[e.index], message: e.message });
    before += items.length;
  };
  await part(text as Encoder<never>, texts, textAt);
  await part(image as Encoder<never>, images, imageAt);
  errors.sort((a, b) => a.index - b.index);
  return { rows: inputs.length, dim, data, errors };
}

function isImageFile(input: MixedInput): input is ImageFile {
  return typeof input === 'object' && input !== null && !(input instanceof Uint8Array) && typeof (input as ImageFile).path === 'string';
}
