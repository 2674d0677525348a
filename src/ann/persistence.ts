import { FileFormatError, UsageError } from '../errors.js';
import { readContainer, readContainerSync, sectionAs, type Container } from '../io/container/index.js';
import { FlatIndex } from './flat-index.js';
import type { GraphMeta } from './hnsw-graph.js';
import { HnswIndex } from './hnsw-index.js';
import type { IndexOptions } from './options.js';
import type { Metric } from './types.js';

/** Layout version of saved indexes (docs/formats/index.md). */
export const INDEX_FILE_VERSION = 1;

/** Settings stored in a saved index's metadata. */
export interface SavedIndexMeta {
  type: 'flat' | 'hnsw';
  metric: Metric;
  dim: number;
  quantize: 'none' | 'int8' | 'binary';
  int8Range: 'per-dimension' | 'global';
  count: number;
  size: number;
  quantizerFitted: boolean;
  idKind: 'number' | 'json';
  hasMetadata: boolean;
  m?: number;
  efConstruction?: number;
  efSearch?: number;
  seed?: number;
  entry?: number;
  maxLevel?: number;
  poolUsed?: number;
  /** HNSW: level draws made so far (older files: count is used). */
  levelsDrawn?: number;
  /** Flat: clusters of the rows and the rows they cover. */
  nlist?: number;
  clusteredEnd?: number;
}

/** Any saved index. */
export type LoadedIndex = FlatIndex | HnswIndex;

/** Options of {@link loadIndex}. */
export interface LoadIndexOptions {
  /** Worker threads of the loaded index (not stored in the file). Default: available cores. */
  threads?: number;
  /** Verify section checksums (default true). */
  verify?: boolean;
}

function metaOf(c: Container): SavedIndexMeta {
  const m = c.meta as Partial<SavedIndexMeta>;
  const bad = (what: string) => new FileFormatError(c.file, `bad index metadata: ${what}`);
  if (m.type !== 'flat' && m.type !== 'hnsw') throw bad(`type ${JSON.stringify(m.type)}`);
  if (!['cosine', 'l2', 'ip', 'hamming'].includes(m.metric as string)) throw bad(`metric ${JSON.stringify(m.metric)}`);
  for (const k of ['dim', 'count', 'size'] as const)
    if (!Number.isSafeInteger(m[k]) || (m[k] as number) < 0) throw bad(`${k} ${JSON.stringify(m[k])}`);
  if (m.type === 'hnsw') {
    for (const k of ['m', 'efConstruction', 'efSearch', 'entry', 'maxLevel', 'poolUsed'] as const) {
      if (!Number.isSafeInteger(m[k])) throw bad(`${k} ${JSON.stringify(m[k])}`);
    }
    // searches refuse an ef above 100,000: a larger saved default would load an index no search can use
    if ((m.efSearch as number) < 1 || (m.efSearch as number) > 100000) throw bad(`efSearch ${m.efSearch}`);
    if (m.levelsDrawn !== undefined && (!Number.isSafeInteger(m.levelsDrawn) || m.levelsDrawn < 0))
      throw bad(`levelsDrawn ${JSON.stringify(m.levelsDrawn)}`);
  }
  checkSizesAgainstSections(c, m as SavedIndexMeta);
  return m as SavedIndexMeta;
}

/**
 * The slot count and the HNSW pool size decide how much kernel memory the index allocates before
 * its sections are read: they are checked against the sizes of the sections first, so a corrupt
 * header cannot make a small file allocate gigabytes (restore then checks every section exactly).
 */
function checkSizesAgainstSections(c: Container, m: SavedIndexMeta): void {
  const fail = (problem: string) => new FileFormatError(c.file, problem);
  const bytes = (name: string): number => {
    const section = c.sections.get(name);
    if (!section) throw fail(`missing section '${name}'`);
    return section.length;
  };
  const flags = bytes('flags');
  if (flags !== m.count) throw fail(`section 'flags' has ${flags} bytes, the metadata says ${m.count} slots`);
  const vectors = bytes('vectors');
  // at least a packed bit vector per slot (float vectors take 32 times more; restore checks exactly)
  if (m.count * Math.ceil(m.dim / 8) > vectors)
    throw fail(`section 'vectors' (${vectors} bytes) cannot hold ${m.count} vectors of dimension ${m.dim}`);
  if (m.type === 'hnsw') {
    const pool = bytes('pool');
    if (m.poolUsed! * 4 !== pool) throw fail(`section 'pool' has ${pool} bytes, the metadata says ${m.poolUsed} link cells`);
  } else if (m.poolUsed !== undefined) {
    throw fail(`bad index metadata: poolUsed ${JSON.stringify(m.poolUsed)} in a flat index (it has no link pool)`);
  }
}

function build(c: Container, o: LoadIndexOptions): LoadedIndex {
  const m = metaOf(c);
  const fail = (problem: string) => new FileFormatError(c.file, problem);
  const base: IndexOptions = {
    metric: m.metric,
    dim: m.dim,
    quantize: m.quantize,
    int8Range: m.int8Range,
    threads: o.threads,
    capacity: Math.max(16, m.count),
  };
  // settings the constructors refuse (dim 0, m 1, hamming with int8 codes, …) are a corrupt file here
  const construct = <T>(make: () => T): T => {
    try {
      return make();
    } catch (error) {
      if (error instanceof UsageError) throw new FileFormatError(c.file, `bad index metadata: ${error.message}`);
      throw error;
    }
  };
  if (m.type === 'flat') {
    const index = construct(() => new FlatIndex(base));
    index.restore(c, m, fail);
    return index;
  }
  const index = construct(() => new HnswIndex({ ...base, m: m.m, efConstruction: m.efConstruction, efSearch: m.efSearch, seed: m.seed }));
  index.restore(c, m as SavedIndexMeta & GraphMeta, fail); // metaOf checked the graph's settings
  return index;
}

/**
 * Loads an index saved with `save()`: one read of the file, checksums verified, every section's
 * size and every link checked, arrays copied in bulk into the kernel memory.
 */
export async function loadIndex(path: string, options: LoadIndexOptions = {}): Promise<LoadedIndex> {
  const c = await readContainer(path, { maxKindVersion: INDEX_FILE_VERSION, verify: options.verify ?? true });
  if (c.kind !== 'flat' && c.kind !== 'hnsw') throw new FileFormatError(path, `is a '${c.kind}' container, not an embedkit index`);
  return build(c, options);
}

/** Synchronous {@link loadIndex}. */
export function loadIndexSync(path: string, options: LoadIndexOptions = {}): LoadedIndex {
  const c = readContainerSync(path, { maxKindVersion: INDEX_FILE_VERSION, verify: options.verify ?? true });
  if (c.kind !== 'flat' && c.kind !== 'hnsw') throw new FileFormatError(path, `is a '${c.kind}' container, not an embedkit index`);
  return build(c, options);
}

export { sectionAs };
