import fs from 'node:fs';
import path from 'node:path';
import { createIndex, loadIndex, loadIndexSync, type LoadedIndex } from '../../src/ann/index.js';
import type { SearchHit } from '../../src/ann/types.js';
import { CONTAINER_MAGIC } from '../../src/io/container/layout.js';
import { firstProblem } from '../lib/checks.js';
import type { BaseFile, FuzzTarget, ReadContext } from '../lib/target.js';
import { containerBoundaries, containerFields, fixContainerChecksums } from './container-bytes.js';
import { applyContainerEdit, containerEdits, type ContainerEdit } from './container-edits.js';

// Saved vector indexes through the public API only (createIndex(...).save, loadIndex): the index
// code is being restructured, the file format and this target stay.

interface Loaded {
  index: LoadedIndex;
  /** The hits of the probe query, or the error the search threw. */
  hits: SearchHit[] | Error;
}

interface Expected {
  size: number;
  hits: SearchHit[];
}

/** Keys of the saved metadata (SavedIndexMeta) the edits set to odd values. */
const META_KEYS = [
  'type',
  'metric',
  'dim',
  'quantize',
  'int8Range',
  'count',
  'size',
  'quantizerFitted',
  'idKind',
  'hasMetadata',
  'm',
  'efConstruction',
  'efSearch',
  'seed',
  'entry',
  'maxLevel',
  'poolUsed',
  'levelsDrawn',
  'nlist',
  'clusteredEnd',
];

function probe(index: LoadedIndex): Float32Array | Uint8Array {
  return index.metric === 'hamming'
    ? new Uint8Array(Math.ceil(index.dim / 8)).fill(0x5a)
    : Float32Array.from({ length: index.dim }, (_, i) => (i % 3) - 0.5);
}

function search(index: LoadedIndex): SearchHit[] | Error {
  try {
    return index.search(probe(index), 3);
  } catch (error) {
    return error as Error;
  }
}

async function read(file: string, variant: string): Promise<Loaded> {
  const index =
    variant === 'loadIndexSync'
      ? loadIndexSync(file, { threads: 1 })
      : await loadIndex(file, { threads: 1, verify: variant !== 'loadIndex verify=false' });
  return { index, hits: search(index) };
}

function check({ index, hits }: Loaded, context: ReadContext): string | undefined {
  if (hits instanceof Error) return `the loaded index fails a search: ${hits.name}: ${hits.message}`;
  const expected = context.unchanged && !context.base.foreign ? (context.base.expected as Expected) : undefined;
  return firstProblem(
    Number.isSafeInteger(index.size) && index.size >= 0 ? undefined : `size ${index.size}`,
    hits.length <= Math.min(3, index.size) ? undefined : `${hits.length} hits from ${index.size} vectors`,
    hits.every((h) => index.has(h.id) && !Number.isNaN(h.distance)) ? undefined : `a hit is not in the index: ${JSON.stringify(hits)}`,
    expected && index.size !== expected.size ? `size ${index.size}, expected ${expected.size}` : undefined,
    expected && JSON.stringify(hits) !== JSON.stringify(expected.hits)
      ? `hits ${JSON.stringify(hits)}, expected ${JSON.stringify(expected.hits)}`
      : undefined,
  );
}

function rows(n: number, dim: number, seed: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: dim }, (_, c) => Math.sin(seed * 7 + r * 13 + c * 3)));
}

async function base(dir: string, label: string, build: () => LoadedIndex): Promise<BaseFile> {
  const index = build();
  const file = path.join(dir, `${label.replace(/\W+/g, '-')}.ekx`);
  await index.save(file);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const expected: Expected = { size: index.size, hits: index.search(probe(index), 3) };
  return { label, bytes, ext: '.ekx', fields: containerFields(bytes), boundaries: containerBoundaries(bytes), expected };
}

/** Saved flat and HNSW indexes: loadIndex(+Sync), then a search on what loaded. */
export function loadIndexTarget(): FuzzTarget<Loaded, ContainerEdit> {
  return {
    name: 'index',
    readers: 'loadIndex(+Sync) of flat and HNSW indexes (+ a search on the result)',
    variants: ['loadIndex', 'loadIndexSync', 'loadIndex verify=false'],
    gzip: false,
    magic: CONTAINER_MAGIC,
    memorySlack: 64 << 20,
    bases: async (dir) => [
      await base(dir, 'flat cosine 5 × 4', () => {
        const index = createIndex({ type: 'flat', metric: 'cosine', dim: 4, threads: 1 });
        index.addSync([1, 2, 3, 4, 5], rows(5, 4, 1));
        return index;
      }),
      await base(dir, 'flat l2 string ids, metadata, a removed id', () => {
        const index = createIndex({ type: 'flat', metric: 'l2', dim: 3, quantize: 'none', threads: 1 });
        index.addSync(['a', 'b', 'c', 'd'], rows(4, 3, 2), [{ tag: 1 }, undefined, { tag: 'x' }, {}]);
        index.remove('b');
        return index;
      }),
      await base(dir, 'hnsw l2 m=4 20 × 4', () => {
        const index = createIndex({ metric: 'l2', dim: 4, m: 4, efConstruction: 20, seed: 3, threads: 1 });
        index.addSync(
          Array.from({ length: 20 }, (_, i) => i),
          rows(20, 4, 3),
        );
        return index;
      }),
      await base(dir, 'hnsw cosine int8 12 × 8, a removed id', () => {
        const index = createIndex({ metric: 'cosine', dim: 8, m: 2, quantize: 'int8', threads: 1 });
        index.addSync(
          Array.from({ length: 12 }, (_, i) => `v${i}`),
          rows(12, 8, 4),
        );
        index.remove('v3');
        return index;
      }),
      await base(dir, 'hnsw hamming 6 × 16 bits', () => {
        const index = createIndex({ metric: 'hamming', dim: 16, m: 3, threads: 1 });
        index.addSync(
          [10, 20, 30, 40, 50, 60],
          Uint8Array.from({ length: 12 }, (_, i) => (i * 37) & 0xff),
        );
        return index;
      }),
      await base(dir, 'hnsw ip empty', () => createIndex({ metric: 'ip', dim: 2, threads: 1 })),
      await base(dir, 'flat int8 clustered 4100 × 4', () => {
        const index = createIndex({ type: 'flat', metric: 'l2', dim: 4, quantize: 'int8', threads: 1 });
        index.addSync(
          Array.from({ length: 4100 }, (_, i) => i),
          rows(4100, 4, 5),
        );
        return index;
      }),
    ],
    fixChecksums: fixContainerChecksums,
    edits: containerEdits(META_KEYS),
    applyEdit: applyContainerEdit,
    read,
    check,
  };
}
