// A worker's side of an index partition: read the partition's rows of the vector file, build its
// index (flat or HNSW, the ann layer's) and save it atomically — a bare index file, or with an
// encoder a search index folder (index-search-folder.ts) — then record it in `<index>.json`: the
// record is written last, so its presence means the index is complete.
import { readFile } from 'node:fs/promises';
import { createIndex } from '../ann/index.js';
import type { Id, Metadata } from '../ann/types.js';
import { FileFormatError } from '../errors.js';
import { writeFileAtomic } from '../io/core/atomic-write.js';
import { readVectorsAny } from '../io/matrix/read-any.js';
import { checkDistinctIds, writeSearchPartition } from './index-search-folder.js';
import type { IndexTaskData } from './task-data.js';

/** What `<index>.json` records about one partition's index. */
export interface PartitionRecord {
  task: string;
  partition: number;
  partitions: number;
  rowStart: number;
  rowEnd: number;
  vectors: number;
  dim: number;
  metric: string;
  type: string;
  /** The index file, or the search index folder of a searchable partition (absolute path). */
  index: string;
  buildSeconds: number;
}

/** The record file of a partition's index. */
export function recordPath(indexFile: string): string {
  return `${indexFile}.json`;
}

/** Reads the record of a finished partition; undefined when missing or for another task. */
export async function readPartitionRecord(indexFile: string, task: string): Promise<PartitionRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(indexFile), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as PartitionRecord;
    return record.task === task ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Builds and saves the index of one partition. */
export async function runIndexTask(data: IndexTaskData): Promise<PartitionRecord> {
  const t0 = performance.now();
  const v = await readVectorsAny(data.file, { limit: data.rowEnd });
  if (v.rows < data.rowEnd) throw new FileFormatError(data.file, `has ${v.rows} rows, the partition needs rows up to ${data.rowEnd}`);
  const rows = data.rowEnd - data.rowStart;
  const vectors = { data: v.data.subarray(data.rowStart * v.dim, data.rowEnd * v.dim), rows, dim: v.dim };
  // Ids as one index over the whole file would have them: the file's own ids, else global row numbers.
  const ids: Id[] = v.ids ? (v.ids.slice(data.rowStart, data.rowEnd) as Id[]) : Array.from({ length: rows }, (_, i) => data.rowStart + i);
  const metadata = v.metadata?.slice(data.rowStart, data.rowEnd);
  if (data.search) checkDistinctIds(data, ids);
  const { type, m, efConstruction, efSearch, seed, ...common } = data.settings;
  // a search folder is cosine whatever --metric says (the submitter refuses another metric)
  const base = { ...common, ...(data.search ? { metric: 'cosine' as const } : {}), dim: v.dim, capacity: rows };
  const index =
    type === 'hnsw' ? createIndex({ ...base, type: 'hnsw', m, efConstruction, efSearch, seed }) : createIndex({ ...base, type: 'flat' });
  if (data.search) {
    // one chunk per document, keyed by its global row number
    await index.add(
      ids.map((_, i) => data.rowStart + i),
      vectors,
    );
    await writeSearchPartition(data, data.search, index, ids, metadata);
  } else {
    await index.add(ids, vectors, metadata as (Metadata | undefined)[] | undefined);
    await index.save(data.output);
  }
  const record: PartitionRecord = {
    task: data.task,
    partition: data.partition,
    partitions: data.partitions,
    rowStart: data.rowStart,
    rowEnd: data.rowEnd,
    vectors: index.size,
    dim: index.dim,
    metric: index.metric,
    type: index.type,
    index: data.output,
    buildSeconds: (performance.now() - t0) / 1000,
  };
  await writeFileAtomic(recordPath(data.output), `${JSON.stringify(record)}\n`);
  return record;
}
