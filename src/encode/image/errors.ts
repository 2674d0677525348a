import { EmbedkitError } from '../../errors.js';
import { MissingPackageError } from '../packages.js';

export { MissingPackageError };

/**
 * One input image could not be used: missing or empty file, not an image, an unsupported or corrupt
 * format, too many pixels. The message names the input (its path, or `input N (…)`) and the problem.
 * Encoders report these per item in `Embeddings.errors` and go on with the other inputs.
 */
export class ImageInputError extends EmbedkitError {
  constructor(
    /** The path, or a description such as `input 3 (Uint8Array of 120 bytes)`. */
    readonly input: string,
    readonly problem: string,
  ) {
    super(`${input}: ${problem}`, 'EMBEDKIT_IMAGE_INPUT');
  }
}

/** A CommonJS module imported from ESM: its `module.exports` (the `default` export) when there is one. */
export function commonJsExports<T>(mod: unknown): T {
  const m = mod as { default?: unknown };
  return (m.default !== undefined && m.default !== null && typeof m.default === 'object' ? m.default : mod) as T;
}
