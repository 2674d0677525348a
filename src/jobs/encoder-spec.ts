// What a worker needs to load the same encoder as the submitter meant, and a stable key for it:
// name, load options (relative paths made absolute on the submitter, since workers run elsewhere),
// normalisation and batch size. The key enters the batch ids, so other settings never reuse a shard.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** An encoder as the workers load it. */
export interface EncoderSpec {
  encoder: string;
  /** Load options of the registry entry (`path`, `threads`, `pooling`, …). */
  options: Record<string, unknown>;
  /** False keeps raw vectors; undefined = the encoder's default. */
  normalize?: boolean;
  /** Inputs per model call inside a batch; undefined = the encoder's default. */
  batchSize?: number;
}

/**
 * `options` with every string value that names an existing relative path (a model folder, a vector
 * file) made absolute against `cwd`, so a worker started in another directory finds the same file.
 */
export function absolutizePaths(options: Record<string, unknown>, cwd = process.cwd()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    out[key] =
      typeof value === 'string' && value !== '' && !path.isAbsolute(value) && existsSync(path.resolve(cwd, value))
        ? path.resolve(cwd, value)
        : value;
  }
  return out;
}

/** JSON with object keys sorted, so equal specs give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** A stable text key of `spec` (equal for equal settings). */
export function specKey(spec: EncoderSpec): string {
  return stableJson(spec);
}

/** First `chars` hex digits of SHA-256 over the parts (joined by NUL). */
export function hashId(parts: readonly string[], chars = 32): string {
  const h = createHash('sha256');
  parts.forEach((p, i) => {
    if (i > 0) h.update('\0');
    h.update(p);
  });
  return h.digest('hex').slice(0, chars);
}
