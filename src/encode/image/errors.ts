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

/** True when `error` says that `packageName` itself (not one of its files or dependencies) cannot be found. */
function isMissing(error: unknown, packageName: string): boolean {
  const e = error as NodeJS.ErrnoException | undefined;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  const message = String(e.message);
  return (
    message.includes(`'${packageName}'`) ||
    message.includes(`'${packageName}/`) ||
    message.includes(`"${packageName}"`) ||
    message.includes(`/node_modules/${packageName}/`)
  );
}

/**
 * Imports an optional dependency. MissingPackageError when it is not installed; other failures (a
 * broken native binary …) keep their cause in the message.
 */
export async function importOptional<T>(specifier: string, packageName: string, encoder: string): Promise<T> {
  try {
    const mod = (await import(specifier)) as T & { default?: unknown };
    return mod;
  } catch (error) {
    if (isMissing(error, packageName)) throw new MissingPackageError(encoder, packageName);
    throw new EmbedkitError(`the ${encoder} encoder could not load ${packageName}: ${(error as Error).message}`, 'EMBEDKIT_DEPENDENCY');
  }
}

/** A CommonJS module imported from ESM: its `module.exports` (the `default` export) when there is one. */
export function commonJsExports<T>(mod: unknown): T {
  const m = mod as { default?: unknown };
  return (m.default !== undefined && m.default !== null && typeof m.default === 'object' ? m.default : mod) as T;
}
