// `jobs index` on the submitter: split a vector file into P partitions of contiguous rows, have the
// workers build one index per partition, then write `manifest.json` listing the shards. Ids are
// those one index over the whole file would have (the file's ids, else global row numbers), so a
// search over all shards merged by score equals a search of one index over the union. With the
// encoder that made the vectors, each partition is a search index folder that `serve --shard` serves.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/core/atomic-write.js';
import { readVectorsAny } from '../io/matrix/read-any.js';
import { getEncoderEntry } from '../encode/registry.js';
import { absolutizePaths, hashId } from './encoder-spec.js';
import { readPartitionRecord, type PartitionRecord } from './index-task.js';
import { openQueue } from './queue.js';
import type { RetryOptions } from './retry.js';
import { connectRedis } from './redis.js';
import type { RunProgress, TaskFailure } from './progress.js';
import { runTasks } from './run-tasks.js';
import type { IndexTaskData, PartitionIndexSettings, PlannedTask, SearchPartitionSpec } from './task-data.js';

/** Options of {@link submitIndex}. */
export interface JobsIndexOptions extends RetryOptions {
  redis: string;
  /** Vector file (any format `readVectorsAny` reads), on a file system every worker reaches. */
  input: string;
  /** Directory of the shards and the manifest (created if missing; shared with the workers). */
  output: string;
  /** Number of partitions (one index each). */
  partitions: number;
  settings: PartitionIndexSettings;
  /**
   * The encoder that made the vectors: each partition is then written as a search index folder
   * (`part-i/`) that `embedkit serve --shard` loads, embedding text queries with this encoder.
   * Cosine only. Without it, partitions are bare index files (`part-i.index`).
   */
  search?: { encoder: string; encoderOptions?: Record<string, unknown> };
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

/** `manifest.json` of a sharded index. */
export interface ShardManifest {
  format: 'embedkit-index-shards';
  version: 1;
  input: string;
  vectors: number;
  dim: number;
  metric: string;
  type: string;
  /** The encoder of searchable partitions (search index folders `serve --shard` loads); absent for bare index files. */
  encoder?: string;
  /** One entry per partition, in row order; `index` is relative to the manifest's directory. */
  shards: (Omit<PartitionRecord, 'index' | 'task'> & { index: string })[];
}

/** What {@link submitIndex} returns. */
export interface JobsIndexResult {
  run: string;
  manifest?: string;
  vectors: number;
  resumed: number;
  submitted: number;
  adopted: number;
  failures: TaskFailure[];
}

export const MANIFEST_NAME = 'manifest.json';

/** Rows and dimension of a vector file. */
async function countRows(file: string): Promise<{ rows: number; dim: number }> {
  const v = await readVectorsAny(file);
  if (v.rows === 0) throw new FileFormatError(file, 'holds no vectors');
  return { rows: v.rows, dim: v.dim };
}

/** The encoder of searchable partitions, checked against the registry (no model is loaded here). */
function searchSpec(o: NonNullable<JobsIndexOptions['search']>, settings: PartitionIndexSettings): SearchPartitionSpec {
  if (settings.metric !== 'cosine')
    throw new UsageError(
      `searchable partitions (--encoder) are cosine indexes, as \`search build\` makes: give --metric cosine, not ${settings.metric}`,
    );
  const entry = getEncoderEntry(o.encoder);
  return { encoder: entry.name, encoderOptions: absolutizePaths(o.encoderOptions ?? {}), modality: entry.modality };
}

/** The vectors must have the encoder's dimension when the registry knows it without loading the model. */
function checkEncoderDimension(spec: SearchPartitionSpec, dim: number, input: string): void {
  const entry = getEncoderEntry(spec.encoder);
  const expected = entry.dimensionFor ? entry.dimensionFor(spec.encoderOptions) : entry.dimension || undefined;
  if (expected !== undefined && expected !== dim)
    throw new UsageError(
      `${input} holds ${dim}-dimensional vectors, encoder '${spec.encoder}' makes ${expected}: give the encoder that embedded them`,
    );
}

/** Builds one index per partition of `input` on the cluster and writes the manifest. */
export async function submitIndex(o: JobsIndexOptions): Promise<JobsIndexResult> {
  const p = o.partitions;
  if (!Number.isSafeInteger(p) || p < 1 || p > 4096) throw new UsageError(`partitions must be an integer from 1 to 4096, got ${String(p)}`);
  if (o.settings.metric === 'hamming') throw new UsageError('jobs index does not build hamming indexes (use `embedkit index build`)');
  const search = o.search === undefined ? undefined : searchSpec(o.search, o.settings);
  const file = path.resolve(o.input);
  const outDir = path.resolve(o.output);
  const connection = await connectRedis(o.redis);
  try {
    const info = await stat(file).catch(() => {
      throw new FileFormatError(o.input, 'file not found');
    });
    const { rows, dim } = await countRows(file);
    if (search) checkEncoderDimension(search, dim, o.input);
    if (p > rows) throw new UsageError(`${p} partitions for ${rows} vectors: give at most one partition per vector`);
    await mkdir(outDir, { recursive: true });
    const settingsKey = JSON.stringify(search ? { ...o.settings, search } : o.settings);
    const run = hashId(['index', file, outDir, String(p), settingsKey], 16);
    const identity = `${file}\t${info.size}\t${info.mtimeMs}`;
    const tasks: PlannedTask<IndexTaskData>[] = [];
    for (let i = 0; i < p; i++) {
      const rowStart = Math.floor((i * rows) / p);
      const rowEnd = Math.floor(((i + 1) * rows) / p);
      const task = hashId(['index', identity, String(rowStart), String(rowEnd), settingsKey]);
      const width = String(p - 1).length;
      tasks.push({
        id: task,
        label: `partition ${i + 1} of ${p}`,
        data: {
          kind: 'index',
          run,
          task,
          partition: i,
          partitions: p,
          file,
          rowStart,
          rowEnd,
          settings: o.settings,
          ...(search ? { search } : {}),
          output: path.join(outDir, `part-${String(i).padStart(width, '0')}${search ? '' : '.index'}`),
        },
      });
    }
    const queue = await openQueue(connection);
    try {
      const result = await runTasks({
        connection,
        queue,
        run,
        describe: { kind: 'index', input: file, output: outDir },
        tasks,
        ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
        ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
        isFinished: async (t) => (await readPartitionRecord((t.data as IndexTaskData).output, t.id)) !== undefined,
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      if (result.failures.length > 0) return { run, vectors: rows, ...result };
      const records = await Promise.all(tasks.map((t) => readPartitionRecord(t.data.output, t.id)));
      const shards = records.map((r, i) => {
        if (!r) throw new FileFormatError(tasks[i].data.output, 'partition record vanished after the run');
        const { task: _task, index, ...rest } = r;
        return { ...rest, index: path.relative(outDir, index) };
      });
      const manifest: ShardManifest = {
        format: 'embedkit-index-shards',
        version: 1,
        input: file,
        vectors: rows,
        dim: shards[0].dim,
        metric: shards[0].metric,
        type: shards[0].type,
        ...(search ? { encoder: search.encoder } : {}),
        shards,
      };
      const manifestPath = path.join(outDir, MANIFEST_NAME);
      await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      return { run, manifest: manifestPath, vectors: rows, ...result };
    } finally {
      await queue.close();
    }
  } finally {
    connection.disconnect();
  }
}
