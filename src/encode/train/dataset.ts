import fsp from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { Random } from '../../learn/random.js';

/** File name endings read as images by {@link readLabelledFolder} (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp'];

/** A labelled image set: `files[i]` has label `labelNames[labels[i]]`. */
export interface LabelledImages {
  /** The folder that was read (absolute). */
  root: string;
  /** Absolute paths, sorted by label then name. */
  files: string[];
  labels: Int32Array;
  /** Sorted label names (sub-folder names). */
  labelNames: string[];
  /** Sub-folders without any image file, and files directly in `root` (not used). */
  skipped: string[];
}

/**
 * Reads `dir/<label>/<image>` (one level of sub-folders; each sub-folder name is a label; files
 * with an image extension are kept). Order is deterministic (sorted). Throws UsageError naming the
 * folder when it is missing or has fewer than 2 labels with images.
 */
export async function readLabelledFolder(dir: string, extensions: readonly string[] = IMAGE_EXTENSIONS): Promise<LabelledImages> {
  const root = path.resolve(dir);
  let entries;
  try {
    entries = await fsp.readdir(root, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${root}: cannot read the labelled image folder (${code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : String(code)})`,
    );
  }
  const exts = new Set(extensions.map((e) => e.toLowerCase()));
  const files: string[] = [];
  const labels: number[] = [];
  const labelNames: string[] = [];
  const skipped: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(root, entry.name);
    if (!entry.isDirectory()) {
      skipped.push(full);
      continue;
    }
    const names = (await fsp.readdir(full, { withFileTypes: true }))
      .filter((f) => f.isFile() && exts.has(path.extname(f.name).toLowerCase()))
      .map((f) => f.name)
      .sort();
    if (names.length === 0) {
      skipped.push(full);
      continue;
    }
    const label = labelNames.length;
    labelNames.push(entry.name);
    for (const name of names) {
      files.push(path.join(full, name));
      labels.push(label);
    }
  }
  if (labelNames.length < 2) {
    throw new UsageError(
      `${root}: expected sub-folders <label>/ holding images (${extensions.join(', ')}) for at least 2 labels, found ${labelNames.length}`,
    );
  }
  return { root, files, labels: Int32Array.from(labels), labelNames, skipped };
}

/** Row indices of a train / held-out split. */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * Stratified split: about `testFraction` of each label's rows go to `test` (at least one when the
 * label has 2 or more rows, never all of them), chosen with a seeded shuffle. Indices are sorted.
 */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed = 1): Split {
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1))
    throw new UsageError(`testFraction must be in [0, 1), got ${String(testFraction)}`);
  const by = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = by.get(labels[i]) ?? [];
    list.push(i);
    by.set(labels[i], list);
  }
  const rng = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...by.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle(by.get(key)!);
    let t = Math.round(rows.length * testFraction);
    if (testFraction > 0 && rows.length >= 2) t = Math.min(rows.length - 1, Math.max(1, t));
    else t = Math.min(t, rows.length - 1);
    test.push(...rows.slice(0, t));
    train.push(...rows.slice(t));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
