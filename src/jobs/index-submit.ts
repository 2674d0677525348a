// `jobs index` on the submitter: split a vector file into P partitions of contiguous rows, have the
// workers build one index per partition, then write `manifest.json` listing the shards. Ids are
// those one index over the whole file would have (the file's ids, else global row numbers), so a
// search over all shards merged by score equals a search of one index over the union.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/core/atomic-write.js';
import { readVectorsAny } from '../io/matrix/read-any.js';
import { hashId } from './encoder-spec.js';
import { readPartitionRecord, type PartitionRecord } from './index-task.js';
import { openQueue } from './queue.js';
import type { RetryOptions } from './retry.js';
import { connectRedis } from './redis.js';
import type { RunProgress, TaskFailure } from './progress.js';
import { runTasks } from './run-tasks.js';
import type { IndexTaskData, PartitionIndexSettings, PlannedTask } from './task-data.js';

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

/** Rows of a vector file (a .fvecs file by its size; others are read). */
async function countRows(file: string): Promise<number> {
  const v = await readVectorsAny(file);
  if (v.rows === 0) throw new FileFormatError(file, 'holds no vectors');
  return v.rows;
}

/** Builds one index per partition of `input` on the cluster and writes the manifest. */
export async function submitIndex(o: JobsIndexOptions): Promise<JobsIndexResult> {
  const p = o.partitions;
  if (!Number.isSafeInteger(p) || p < 1 || p > 4096) throw new UsageError(`partitions must be an integer from 1 to 4096, got ${String(p)}`);
  if (o.settings.metric === 'hamming') throw new UsageError('jobs index does not build hamming indexes (use `embedkit index build`)');
  const file = path.resolve(o.input);
  const outDir = path.resolve(o.output);
  const connection = await connectRedis(o.redis);
  try {
    const info = await stat(file).catch(() => {
      throw new FileFormatError(o.input, 'file not found');
    });
    const rows = await countRows(file);
    if (p > rows) throw new UsageError(`${p} partitions for ${rows} vectors: give at most one partition per vector`);
    await mkdir(outDir, { recursive: true });
    const run = hashId(['index', file, outDir, String(p), JSON.stringify(o.settings)], 16);
    const identity = `${file}\t${info.size}\t${info.mtimeMs}`;
    const tasks: PlannedTask<IndexTaskData>[] = [];
    for (let i = 0; i < p; i++) {
      const rowStart = Math.floor((i * rows) / p);
      const rowEnd = Math.floor(((i + 1) * rows) / p);
      const task = hashId(['index', identity, String(rowStart), String(rowEnd), JSON.stringify(o.settings)]);
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
          output: path.join(outDir, `part-${String(i).padStart(width, '0')}.index`),
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
