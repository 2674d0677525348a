import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EmbedkitError } from './errors.js';

const require = createRequire(import.meta.url);

/**
 * Version ranges of the optional packages (package.json `peerDependencies`), so that the install
 * command of a {@link MissingPackageError} asks for a version this embedkit works with.
 */
let peerRanges: Record<string, string> | undefined;
function peerRange(name: string): string | undefined {
  if (!peerRanges) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        peerDependencies?: Record<string, string>;
      };
      peerRanges = pkg.peerDependencies ?? {};
    } catch {
      peerRanges = {};
    }
  }
  return peerRanges[name];
}

/** `npm install …` for `packages`, each with the version range embedkit supports (when it names one). */
export function installCommand(packages: readonly string[]): string {
  return `npm install ${packages.map((name) => (peerRange(name) ? `${name}@${peerRange(name)}` : name)).join(' ')}`;
}

/**
 * A package an encoder (or another optional feature: the jieba segmenter, the POS taggers) needs is
 * not installed. The message ends with the `npm install` command to run.
 */
export class MissingPackageError extends EmbedkitError {
  /** The first missing package. */
  readonly packageName: string;
  /** Every missing package (those the check found; at least one). */
  readonly packages: readonly string[];
  /** The command that installs them. */
  readonly installCommand: string;

  constructor(
    readonly encoder: string,
    packages: string | readonly string[],
    /** Who needs the packages, for the message. Default `encoder '<encoder>'`. */
    user = `encoder '${encoder}'`,
  ) {
    const list = typeof packages === 'string' ? [packages] : [...packages];
    const command = installCommand(list);
    const names = list.map((name) => `'${name}'`).join(', ');
    super(`${user} needs the npm package${list.length > 1 ? 's' : ''} ${names} (${command})`, 'EMBEDKIT_MISSING_PACKAGE');
    this.packageName = list[0];
    this.packages = list;
    this.installCommand = command;
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

/** Throws one {@link MissingPackageError} naming every package of `packages` that is not installed. */
export function requirePackages(encoder: string, packages: readonly string[], user?: string): void {
  const missing = packages.filter((name) => !isPackageAvailable(name));
  if (missing.length > 0) throw new MissingPackageError(encoder, missing, user);
}

/**
 * The npm package a "module not found" error is about (`sharp`, `@tensorflow/tfjs`), or undefined for
 * other errors and for missing relative or absolute paths (a file missing inside an installed
 * package is a broken install, not a missing package).
 */
export function missingPackageOf(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return undefined;
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec(String(e.message))?.[1];
  if (!specifier || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Imports an optional dependency (`specifier`: the package or a file of it). MissingPackageError
 * when the package, or a package it imports, is not installed; other failures (a broken native
 * binary …) keep their cause in the message.
 */
export async function importOptional<T>(encoder: string, packageName: string, specifier = packageName, user?: string): Promise<T> {
  requirePackages(encoder, [packageName], user);
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const missing = missingPackageOf(error);
    if (missing) throw new MissingPackageError(encoder, missing, user);
    throw new EmbedkitError(`the ${encoder} encoder could not load ${packageName}: ${(error as Error).message}`, 'EMBEDKIT_DEPENDENCY');
  }
}

/**
 * Loads an optional CommonJS dependency synchronously (`require`), for features whose API is
 * synchronous (the tokenizer). Same errors as {@link importOptional}.
 */
export function requireOptional<T>(encoder: string, packageName: string, specifier = packageName, user?: string): T {
  requirePackages(encoder, [packageName], user);
  try {
    return require(specifier) as T;
  } catch (error) {
    const missing = missingPackageOf(error);
    if (missing) throw new MissingPackageError(encoder, missing, user);
    throw new EmbedkitError(
      `${user ?? `the ${encoder} encoder`} could not load ${packageName}: ${(error as Error).message}`,
      'EMBEDKIT_DEPENDENCY',
    );
  }
}
