import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbedkitError, UsageError } from '../errors.js';
import { FILE_ERROR_CODES, fileAccessError } from './file-errors.js';

/**
 * Whether `pattern` uses glob syntax (`*`, `?`, `{a,b}`), as opposed to naming one file.
 * Only `{...}` groups containing a comma count; `[...]` classes are not supported.
 */
export function isGlobPattern(pattern: string): boolean {
  return /[*?]/.test(pattern) || expandBraces(pattern).length > 1;
}

/**
 * Expands `{a,b}` groups (nested groups allowed) into separate patterns, left to right:
 * `"x/{a,b{1,2}}.txt"` → `["x/a.txt", "x/b1.txt", "x/b2.txt"]`. A group without a top-level comma,
 * or without a closing brace, is literal text.
 */
export function expandBraces(pattern: string): string[] {
  for (let open = pattern.indexOf('{'); open >= 0; open = pattern.indexOf('{', open + 1)) {
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let i = open; i < pattern.length && close < 0; i++) {
      const c = pattern[i];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) close = i;
      else if (c === ',' && depth === 1) commas.push(i);
    }
    if (close < 0) return [pattern];
    if (commas.length === 0) continue;
    const head = pattern.slice(0, open);
    const tail = pattern.slice(close + 1);
    const bounds = [open, ...commas, close];
    const out: string[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const alternative = pattern.slice(bounds[k] + 1, bounds[k + 1]);
      out.push(...expandBraces(head + alternative + tail));
    }
    return out;
  }
  return [pattern];
}

/** Compiles one path segment with `*` and `?` (no `/`) into an anchored regular expression. */
export function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (const c of segment) {
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

/**
 * Expands file-name patterns into the files they match.
 *
 * Syntax: `*` matches any characters within one path segment, `?` one character, `**` as a whole
 * segment matches zero or more directories, `{a,b}` alternatives; other characters are literal and
 * `/` separates segments. As in shells, `*`, `?` and `**` do not match names starting with `.`
 * unless the pattern segment itself starts with `.`, and `**` does not follow symbolic links to
 * directories. Only files are returned (a pattern ending in `**` means `**\/*`).
 *
 * Each pattern's matches are sorted (by UTF-16 code units) for determinism; patterns keep their
 * order and a file matched twice is kept at its first place.
 *
 * @throws EmbedkitError naming the pattern if it matches nothing, or naming the file if a plain path
 *   (no glob syntax) is missing or a directory.
 */
export async function expandFilePatterns(patterns: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.length === 0) throw new UsageError('file patterns must be non-empty strings');
    let matches: string[];
    if (!isGlobPattern(pattern)) {
      await requireFile(pattern);
      matches = [pattern];
    } else {
      const found = new Set<string>();
      for (const alternative of expandBraces(pattern)) await matchPattern(alternative, found);
      if (found.size === 0) {
        throw new EmbedkitError(`no files match the pattern '${pattern}'`, FILE_ERROR_CODES.noMatch);
      }
      matches = [...found].sort();
    }
    for (const file of matches) {
      if (!seen.has(file)) {
        seen.add(file);
        files.push(file);
      }
    }
  }
  return files;
}

async function requireFile(file: string): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw fileAccessError(file, err);
  }
  if (info.isDirectory()) throw new EmbedkitError(`${file}: is a directory, not a file`, FILE_ERROR_CODES.notAFile);
}

async function matchPattern(pattern: string, found: Set<string>): Promise<void> {
  const segments = pattern.split('/');
  if (segments[segments.length - 1] === '**') segments.push('*');
  let base = '';
  let i = 0;
  if (segments[0] === '') {
    base = '/';
    i = 1;
  }
  while (i < segments.length - 1 && !/[*?]/.test(segments[i])) {
    base = base === '' ? segments[i] : join(base, segments[i]);
    i++;
  }
  await walk(base, segments, i, found);
}

interface Entry {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
}

async function list(dir: string): Promise<Entry[]> {
  try {
    const dirents = await readdir(dir === '' ? '.' : dir, { withFileTypes: true });
    const entries: Entry[] = [];
    for (const d of dirents) {
      let isFile = d.isFile();
      let isDirectory = d.isDirectory();
      const isSymlink = d.isSymbolicLink();
      if (isSymlink) {
        const target = await stat(join(dir, d.name)).catch(() => undefined);
        isFile = target?.isFile() ?? false;
        isDirectory = target?.isDirectory() ?? false;
      }
      entries.push({ name: d.name, isFile, isDirectory, isSymlink });
    }
    return entries;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw fileAccessError(dir === '' ? '.' : dir, err);
  }
}

async function walk(dir: string, segments: readonly string[], i: number, found: Set<string>): Promise<void> {
  const segment = segments[i];
  const last = i === segments.length - 1;
  if (segment === '**') {
    await walk(dir, segments, i + 1, found);
    for (const e of await list(dir)) {
      if (e.isDirectory && !e.isSymlink && !e.name.startsWith('.')) await walk(join(dir, e.name), segments, i, found);
    }
    return;
  }
  if (!/[*?]/.test(segment)) {
    const path = dir === '' ? segment : join(dir, segment);
    const info = await stat(path).catch(() => undefined);
    if (last ? info?.isFile() : info?.isDirectory()) {
      if (last) found.add(path);
      else await walk(path, segments, i + 1, found);
    }
    return;
  }
  const re = segmentRegExp(segment);
  const dotOk = segment.startsWith('.');
  for (const e of await list(dir)) {
    if ((!dotOk && e.name.startsWith('.')) || !re.test(e.name)) continue;
    const path = dir === '' ? e.name : join(dir, e.name);
    if (last) {
      if (e.isFile) found.add(path);
    } else if (e.isDirectory) {
      await walk(path, segments, i + 1, found);
    }
  }
}
