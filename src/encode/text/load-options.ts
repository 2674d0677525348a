import { UsageError } from '../../errors.js';

/**
 * Reads the options a registry entry's `load(options)` was given. Values may come from a program
 * (typed) or from a command line (strings): numbers and booleans are accepted as strings too.
 * Keys with the value `undefined` count as absent; any other key the loader did not read is an
 * error (a typo must not be silently ignored), see {@link LoadOptionReader.done}.
 */
export class LoadOptionReader {
  readonly #options: Record<string, unknown>;
  readonly #read = new Set<string>();

  constructor(
    readonly encoder: string,
    options: Record<string, unknown> | undefined,
  ) {
    if (options !== undefined && (options === null || typeof options !== 'object'))
      throw new UsageError(`${encoder}: options must be an object`);
    this.#options = options ?? {};
  }

  /** The raw value of `key` (undefined if absent). */
  raw(key: string): unknown {
    this.#read.add(key);
    return this.#options[key];
  }

  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0)
      throw new UsageError(`${this.encoder}: option '${key}' must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  number(key: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n))
      throw new UsageError(`${this.encoder}: option '${key}' must be a number, got ${JSON.stringify(v)}`);
    return n;
  }

  integer(key: string): number | undefined {
    const n = this.number(key);
    if (n !== undefined && !Number.isSafeInteger(n)) throw new UsageError(`${this.encoder}: option '${key}' must be an integer, got ${n}`);
    return n;
  }

  boolean(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (v === true || v === 'true' || v === '1') return true;
    if (v === false || v === 'false' || v === '0') return false;
    throw new UsageError(`${this.encoder}: option '${key}' must be a boolean, got ${JSON.stringify(v)}`);
  }

  /** One of `allowed` (strings). */
  choice<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new UsageError(`${this.encoder}: option '${key}' must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  }

  /** Throws for keys with a defined value that were never read. */
  done(): void {
    const unknown = Object.keys(this.#options).filter((k) => !this.#read.has(k) && this.#options[k] !== undefined);
    if (unknown.length > 0) {
      throw new UsageError(`${this.encoder}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}`);
    }
  }
}
