import { createRequire } from 'node:module';
import { EmbedkitError } from '../errors.js';

const require = createRequire(import.meta.url);

/** A package an encoder needs is not installed. */
export class MissingPackageError extends EmbedkitError {
  constructor(
    readonly encoder: string,
    readonly packageName: string,
  ) {
    super(`encoder '${encoder}' needs the npm package '${packageName}' (npm install ${packageName})`, 'EMBEDKIT_MISSING_PACKAGE');
  }
}

/**
 * Whether the npm package `name` can be found from embedkit's location, without loading it. A
 * package whose `exports` hide its main entry point from `require` still counts as present.
 */
export function isPackageAvailable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ERR_PACKAGE_PATH_NOT_EXPORTED / ERR_REQUIRE_ESM …: the package is there, it just has no CommonJS entry.
    return code !== 'MODULE_NOT_FOUND';
  }
}

/** Absolute path of a file inside an installed package (`pkg/sub/path`), resolved like `require.resolve`. */
export function resolvePackageFile(specifier: string): string {
  return require.resolve(specifier);
}

/** Throws {@link MissingPackageError} for the first of `packages` that is not installed. */
export function requirePackages(encoder: string, packages: readonly string[]): void {
  for (const name of packages) if (!isPackageAvailable(name)) throw new MissingPackageError(encoder, name);
}

/** Imports an optional dependency, turning "not installed" into {@link MissingPackageError}. */
export async function importOptional<T>(encoder: string, name: string): Promise<T> {
  requirePackages(encoder, [name]);
  return (await import(name)) as T;
}
