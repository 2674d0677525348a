// `jobs embed` on the submitter: plan the batches (content-hash ids), run them on the cluster, then
// read the shards back in input order. Vectors travel through the shared work directory, not
// through Redis: 50M inputs × 384 dims are 77 GB, far beyond what a Redis server should hold,
// while a job in Redis stays a few hundred bytes (a byte range or a list of paths).
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EmbedkitError, FileFormatError, UsageError } from '../errors.js';
import { AUDIO_EXTENSIONS } from '../encode/audio/inputs.js';
import { listImageFiles } from '../encode/inputs.js';
import { getEncoderEntry } from '../encode/registry.js';
import type { Modality } from '../encode/types.js';
import { absolutizePaths, hashId, specKey, type EncoderSpec } from './encoder-spec.js';
import { shardPath } from './embed-task.js';
import { openQueue } from './queue.js';
import type { RetryOptions } from './retry.js';
import { connectRedis } from './redis.js';
import { InOrderDelivery } from './in-order-delivery.js';
import type { RunProgress, TaskFailure } from './progress.js';
import { runTasks } from './run-tasks.js';
import { readShard, type Shard } from './shard-file.js';
import type { EmbedTaskData, PlannedTask } from './task-data.js';
import { planTextBatches } from './text-batches.js';

/** Options of {@link submitEmbed}. */
export interface JobsEmbedOptions extends RetryOptions {
  /** `redis://host:port` of the cluster. */
  redis: string;
  /** Encoder name (`embedkit encoders`). */
  encoder: string;
  /** Load options of the encoder (relative paths are resolved here, for the workers). */
  encoderOptions?: Record<string, unknown>;
  /** False keeps raw vectors. Default: the encoder's. */
  normalize?: boolean;
  /** Inputs per model call on the worker. Default: the encoder's. */
  encoderBatchSize?: number;
  /** Text file (one input per line) for text encoders; image/audio file or folder for the others. */
  input: string;
  /** The output file the caller will write; it names the run (and the default work directory). */
  output: string;
  /** Inputs per job. Default 256. */
  batch?: number;
  /** Where workers write the shards: a directory every worker can reach. Default `.<output name>.jobs` next to the output. */
  workDir?: string;
  /** Folder inputs: take every file, not only the modality's extensions. */
  allFiles?: boolean;
  onProgress?: (progress: RunProgress) => void;
  /**
   * Receives the batches' vectors in input order while the run goes on: a batch as soon as it and
   * every batch before it are done, so writing the output overlaps the workers and ends shortly
   * after the last batch. When batches fail, it has received those before the first failed one.
   * If it throws, the run stops (the queued jobs stay queued) and `submitEmbed` rejects with its error.
   * Without it, read the vectors after the run with {@link readEmbedBatches}.
   */
  onBatch?: (batch: EmbeddedBatch) => Promise<void> | void;
  signal?: AbortSignal;
}

/** The vectors of one batch, in input order. */
export interface EmbeddedBatch {
  /** Output ids of the batch's rows. */
  ids: (string | number)[];
  shard: Shard;
}

/** One batch in input order (a batch repeated in the input shares the task and shard of its first occurrence). */
export interface PlannedBatch {
  task: string;
  /** Output ids of the batch's rows (0-based line numbers, or paths relative to the input folder). */
  ids: (string | number)[];
}

/** What {@link submitEmbed} returns once every batch is done. */
export interface JobsEmbedResult {
  run: string;
  modality: Modality;
  workDir: string;
  inputs: number;
  batches: PlannedBatch[];
  /** Distinct tasks (equal batches are embedded once). */
  tasks: number;
  resumed: number;
  submitted: number;
  adopted: number;
  failures: TaskFailure[];
  /** Image/audio folders: files left out by extension. */
  skipped?: string[];
  /** Where the time went: loading the Redis client and connecting; planning the batches; submitting them and waiting for the workers. */
  seconds: { connect: number; plan: number; run: number };
}

const DEFAULT_BATCH = 256;

/** The default work directory of an output file. */
export function defaultWorkDir(output: string): string {
  const abs = path.resolve(output);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.jobs`);
}

/** The batches of an input. */
interface EmbedPlan {
  batches: PlannedBatch[];
  tasks: PlannedTask<EmbedTaskData>[];
  inputs: number;
  skipped?: string[];
}

async function planText(
  input: string,
  spec: EncoderSpec,
  batch: number,
  base: Omit<EmbedTaskData, 'task' | 'batch' | 'text'>,
): Promise<EmbedPlan> {
  const file = path.resolve(input);
  const text = await planTextBatches(file, batch);
  const batches: PlannedBatch[] = [];
  const tasks = new Map<string, PlannedTask<EmbedTaskData>>();
  text.forEach((b, i) => {
    const task = hashId([specKey(spec), 'text', b.sha256]);
    batches.push({ task, ids: Array.from({ length: b.lines }, (_, k) => b.firstLine + k) });
    if (!tasks.has(task))
      tasks.set(task, {
        id: task,
        label: `batch ${i} (lines ${b.firstLine + 1}–${b.firstLine + b.lines})`,
        data: { ...base, task, batch: i, text: { ...b, file } },
      });
  });
  return { batches, tasks: [...tasks.values()], inputs: text.reduce((s, b) => s + b.lines, 0) };
}

async function planFiles(
  input: string,
  modality: Modality,
  spec: EncoderSpec,
  batch: number,
  allFiles: boolean,
  base: Omit<EmbedTaskData, 'task' | 'batch' | 'text'>,
): Promise<EmbedPlan> {
  const abs = path.resolve(input);
  const info = await stat(abs).catch((error: NodeJS.ErrnoException) => {
    throw new FileFormatError(input, error.code === 'ENOENT' ? 'no such file or folder' : `cannot read (${error.code})`);
  });
  let files: { id: string; path: string }[];
  let skipped: string[] | undefined;
  if (info.isDirectory()) {
    const listing = await listImageFiles(abs, { allFiles, ...(modality === 'audio' ? { extensions: AUDIO_EXTENSIONS } : {}) });
    files = listing.files;
    skipped = listing.skipped;
  } else files = [{ id: path.basename(abs), path: abs }];
  const batches: PlannedBatch[] = [];
  const tasks = new Map<string, PlannedTask<EmbedTaskData>>();
  for (let i = 0; i * batch < files.length; i++) {
    const group = files.slice(i * batch, (i + 1) * batch);
    // A folder batch is named by its files' paths, sizes and modification times (reading every
    // image on the submitter just to hash it would double the I/O of the run).
    const sig = await Promise.all(
      group.map(async (f) => {
        const s = await stat(f.path).catch(() => undefined);
        return `${f.path}\t${s?.size ?? -1}\t${s?.mtimeMs ?? -1}`;
      }),
    );
    const task = hashId([specKey(spec), modality, ...sig]);
    batches.push({ task, ids: group.map((f) => f.id) });
    if (!tasks.has(task))
      tasks.set(task, {
        id: task,
        label: `batch ${i} (${group[0].id} …)`,
        data: { ...base, task, batch: i, files: group.map((f) => f.path) },
      });
  }
  return { batches, tasks: [...tasks.values()], inputs: files.length, skipped };
}

/**
 * Embeds `input` on the cluster: plans the batches, adds the missing ones as jobs, waits for the
 * workers. Rerunning with the same options after a crash (of a worker or of this process) picks up
 * the finished batches. Read the vectors with {@link readEmbedBatches}, then {@link removeWorkDir}.
 * @throws UsageError (unknown encoder, bad options), FileFormatError (input), EmbedkitError (no
 * inputs, Redis unreachable).
 */
export async function submitEmbed(o: JobsEmbedOptions): Promise<JobsEmbedResult> {
  const entry = getEncoderEntry(o.encoder);
  const batch = o.batch ?? DEFAULT_BATCH;
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > 1_000_000)
    throw new UsageError(`batch must be an integer from 1 to 1000000, got ${String(o.batch)}`);
  const spec: EncoderSpec = {
    encoder: o.encoder,
    options: absolutizePaths(o.encoderOptions ?? {}),
    ...(o.normalize !== undefined ? { normalize: o.normalize } : {}),
    ...(o.encoderBatchSize !== undefined ? { batchSize: o.encoderBatchSize } : {}),
  };
  const workDir = path.resolve(o.workDir ?? defaultWorkDir(o.output));
  const run = hashId(['embed', specKey(spec), path.resolve(o.input), path.resolve(o.output), workDir, String(batch)], 16);
  const base = { kind: 'embed' as const, run, spec, modality: entry.modality, workDir };
  const t0 = performance.now();
  const connection = await connectRedis(o.redis);
  const tc = performance.now();
  try {
    const plan =
      entry.modality === 'text'
        ? await planText(o.input, spec, batch, base)
        : await planFiles(o.input, entry.modality, spec, batch, o.allFiles ?? false, base);
    if (plan.inputs === 0) {
      const skipped = plan.skipped?.length ? ` (${plan.skipped.length} files skipped by extension)` : '';
      throw new EmbedkitError(`${o.input}: no inputs to embed${skipped}`);
    }
    await mkdir(workDir, { recursive: true });
    const queue = await openQueue(connection);
    const t1 = performance.now();
    // A consumer's error stops the run: its AbortError is replaced by that error below.
    const stop = new AbortController();
    const abort = () => stop.abort();
    o.signal?.addEventListener('abort', abort, { once: true });
    if (o.signal?.aborted) stop.abort();
    const { batches } = plan;
    const onBatch = o.onBatch;
    const delivery = onBatch
      ? new InOrderDelivery<Shard>(
          batches.map((b) => b.task),
          (i) => readShard(shardPath(workDir, batches[i].task), { id: batches[i].task, rows: batches[i].ids.length }),
          (i, shard) => onBatch({ ids: batches[i].ids, shard }),
          abort,
        )
      : undefined;
    try {
      const rowsOf = new Map(plan.batches.map((b) => [b.task, b.ids.length]));
      const result = await runTasks({
        connection,
        queue,
        run,
        describe: { kind: 'embed', input: path.resolve(o.input), output: path.resolve(o.output) },
        tasks: plan.tasks,
        ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
        ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
        isFinished: async (t) => {
          if (delivery?.verified(t.id)) return true; // read and checked when it was delivered
          try {
            return (await readShard(shardPath(workDir, t.id), { id: t.id, rows: rowsOf.get(t.id) })) !== undefined;
          } catch {
            return false; // corrupt or foreign: redone
          }
        },
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        ...(delivery ? { onDone: (ids: readonly string[]) => delivery.markDone(ids) } : {}),
        signal: stop.signal,
      }).catch(async (error: unknown) => {
        await delivery?.settle(); // a consumer's error is the cause of the abort
        throw error;
      });
      if (delivery) {
        // Every task is done or failed for good, and the done ones' files were checked: deliver the rest.
        const failed = new Set(result.failures.map((f) => f.task));
        delivery.markDone(batches.filter((b) => !failed.has(b.task)).map((b) => b.task));
        const delivered = await delivery.settle();
        if (failed.size === 0 && delivered < batches.length)
          throw new EmbedkitError(`the shard of batch ${batches[delivered].task} is missing from ${workDir}: rerun the command to redo it`);
      }
      return {
        run,
        modality: entry.modality,
        workDir,
        inputs: plan.inputs,
        batches: plan.batches,
        tasks: plan.tasks.length,
        ...result,
        ...(plan.skipped ? { skipped: plan.skipped } : {}),
        seconds: { connect: (tc - t0) / 1000, plan: (t1 - tc) / 1000, run: (performance.now() - t1) / 1000 },
      };
    } finally {
      o.signal?.removeEventListener('abort', abort);
      await queue.close();
    }
  } finally {
    connection.disconnect();
  }
}

/** Shards read ahead of the one being assembled (each read is a few file-system calls on the thread pool). */
const READ_AHEAD = 16;

/** The shards of a finished run in input order, one per batch (a repeated batch yields its shard again with its own ids). */
export async function* readEmbedBatches(result: JobsEmbedResult): AsyncGenerator<{ ids: (string | number)[]; shard: Shard }> {
  const read = (b: PlannedBatch) => readShard(shardPath(result.workDir, b.task), { id: b.task, rows: b.ids.length });
  const ahead: Promise<Shard | undefined>[] = [];
  const { batches } = result;
  for (let i = 0; i < batches.length; i++) {
    while (ahead.length < READ_AHEAD && i + ahead.length < batches.length) {
      const p = read(batches[i + ahead.length]);
      p.catch(() => undefined); // rejections are rethrown when their turn comes
      ahead.push(p);
    }
    const shard = await ahead.shift()!;
    const b = batches[i];
    if (!shard) throw new EmbedkitError(`the shard of batch ${b.task} is missing from ${result.workDir}: rerun the command to redo it`);
    yield { ids: b.ids, shard };
  }
}

/** Removes the work directory of a finished run (its shards are in the output now). */
export async function removeWorkDir(result: Pick<JobsEmbedResult, 'workDir'>): Promise<void> {
  await rm(result.workDir, { recursive: true, force: true });
}
