import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/** A folder of labelled images, `dir/label/*.{png,jpg,…}`. */
export interface LabelledImageList {
  /** Absolute paths, sorted by label then name. */
  files: string[];
  /** The label (sub-folder name) of each file. */
  labels: string[];
  /**
   * The source of each file: its name up to the last `-` (`left01-crop.png` → `left01`), so versions
   * made from the same original can be told apart from different originals of the same label.
   */
  sources: string[];
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|gif|tiff?|avif)$/i;

/** Lists `dir/label/*` image files (one level of sub-folders; other files are ignored). */
export async function listLabelledImages(dir: string): Promise<LabelledImageList> {
  const out: LabelledImageList = { files: [], labels: [], sources: [] };
  const entries = await readdir(dir, { withFileTypes: true });
  for (const label of entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const names = (await readdir(path.join(dir, label))).filter((n) => IMAGE_EXTENSIONS.test(n)).sort();
    for (const name of names) {
      out.files.push(path.resolve(dir, label, name));
      out.labels.push(label);
      const stem = name.replace(/\.[^.]+$/, '');
      out.sources.push(`${label}/${stem.includes('-') ? stem.slice(0, stem.lastIndexOf('-')) : stem}`);
    }
  }
  if (out.files.length === 0) throw new UsageError(`${dir}: no images in label sub-folders (expected dir/label/*.png)`);
  return out;
}

/**
 * Leave-one-out retrieval precision@1 with cosine similarity: the fraction of queries whose most
 * similar other item has the same label. With `sources`, items from the query's own source are not
 * candidates (so a crop cannot find its own original). Rows flagged in `skip` (e.g. failed inputs)
 * are neither queries nor candidates. Queries with no candidate are not counted.
 */
export function precisionAt1(
  data: Float32Array,
  dim: number,
  labels: readonly string[],
  options: { sources?: readonly string[]; skip?: ReadonlySet<number> } = {},
): { precision: number; queries: number } {
  const n = labels.length;
  if (data.length !== n * dim) throw new UsageError(`expected ${n} × ${dim} values, got ${data.length}`);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[i * dim + d] ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  let hits = 0;
  let queries = 0;
  for (let q = 0; q < n; q++) {
    if (options.skip?.has(q)) continue;
    let best = -1;
    let bestScore = -Infinity;
    for (let c = 0; c < n; c++) {
      if (c === q || options.skip?.has(c) || (options.sources && options.sources[c] === options.sources[q])) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) s += data[q * dim + d] * data[c * dim + d];
      s /= norms[q] * norms[c];
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best < 0) continue;
    queries++;
    if (labels[best] === labels[q]) hits++;
  }
  return { precision: queries ? hits / queries : 0, queries };
}
