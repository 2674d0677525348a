import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../errors.js';
import { readFileBytes } from '../io/core/read-file.js';

/**
 * File extensions taken as images when a directory is listed (lower case, without the dot). Some
 * (BMP, HEIC with HEVC, ICO) are not decoded by sharp: such files are still listed, so they show up
 * as per-item errors instead of being skipped without a word.
 */
export const IMAGE_EXTENSIONS: readonly string[] = [
  'jpg',
  'jpeg',
  'jpe',
  'jfif',
  'png',
  'webp',
  'gif',
  'tif',
  'tiff',
  'avif',
  'heic',
  'heif',
  'svg',
  'bmp',
  'ico',
];

/**
 * The lines of a UTF-8 text file, one input each: `\n` or `\r\n` line ends, a final line end does
 * not start another line, a leading BOM is dropped. Empty lines are kept (they keep line numbers
 * and ids aligned; encoders report them as per-item errors or embed them as they define).
 * FileFormatError for a file that is not UTF-8 text (invalid bytes, NUL bytes).
 */
export async function readTextLines(file: string): Promise<string[]> {
  let bytes: Buffer;
  try {
    bytes = await readFileBytes(file, { what: 'text file' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new FileFormatError(file, 'is a directory, not a text file');
    if (code === 'ENOENT') throw new FileFormatError(file, 'file not found');
    throw error;
  }
  if (bytes.includes(0)) throw new FileFormatError(file, `not a text file (NUL byte at offset ${bytes.indexOf(0)})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FileFormatError(file, 'not valid UTF-8 text');
  }
  if (text.length === 0) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** One file found by {@link listImageFiles}. */
export interface ListedFile {
  /** Path relative to the listed directory, with `/` separators (the id in outputs). */
  id: string;
  /** Path to open: the directory as given joined with `id`. */
  path: string;
}

/** What {@link listImageFiles} found. */
export interface ImageListing {
  files: ListedFile[];
  /** Relative paths of files left out because of their extension (not with `allFiles`). */
  skipped: string[];
}

/** Options of {@link listImageFiles}. */
export interface ListImagesOptions {
  /** Take every file whatever its extension (unsupported ones then fail per item). Default false. */
  allFiles?: boolean;
  /** Extensions to take (lower case, no dot). Default {@link IMAGE_EXTENSIONS}. */
  extensions?: readonly string[];
}

/**
 * The image files under `dir`, recursively, sorted by relative path (UTF-16 code-unit order of the `/`-joined
 * path, so the order is the same on every machine). Files and directories whose name starts with
 * `.` are left out; symbolic links to files are followed, links to directories are not (no cycles),
 * dangling links are listed (they fail when read, with a message naming them).
 * A file is taken when its extension (case-insensitive) is in `extensions`, or always with `allFiles`.
 */
export async function listImageFiles(dir: string, options: ListImagesOptions = {}): Promise<ImageListing> {
  const info = await stat(dir);
  if (!info.isDirectory()) throw new UsageError(`${dir} is not a directory`);
  const extensions = new Set((options.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase().replace(/^\./, '')));
  const files: ListedFile[] = [];
  const skipped: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const id = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const full = path.join(dir, id);
      let isFile = entry.isFile();
      if (entry.isDirectory()) {
        await walk(id);
        continue;
      }
      // A dangling link counts as a file: it then fails as an item (named) instead of vanishing.
      if (entry.isSymbolicLink())
        isFile = await stat(full).then(
          (s) => s.isFile(),
          () => true,
        );
      if (!isFile) continue;
      const ext = path.extname(entry.name).slice(1).toLowerCase();
      if (options.allFiles || extensions.has(ext)) files.push({ id, path: full });
      else skipped.push(id);
    }
  };
  await walk('');
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  files.sort((a, b) => byId(a.id, b.id));
  skipped.sort(byId);
  return { files, skipped };
}
