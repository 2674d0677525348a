// The data of one BullMQ job: everything a worker on another host needs, with absolute paths on
// the shared file system. Kept small (byte ranges and file paths, never the inputs or vectors).
import type { HnswOptions } from '../ann/options.js';
import type { Modality } from '../encode/types.js';
import type { EncoderSpec } from './encoder-spec.js';
import type { TextBatch } from './text-batches.js';

/** One batch of inputs to embed. */
export interface EmbedTaskData {
  kind: 'embed';
  run: string;
  /** Batch id: a content hash (see `planEmbed`); also the shard's file name. */
  task: string;
  /** 0-based number of the batch in the input (its first occurrence), for messages. */
  batch: number;
  spec: EncoderSpec;
  modality: Modality;
  /** Directory of the run's shards (shared by the submitter and every worker). */
  workDir: string;
  /** Text input: the file and the batch's byte range. */
  text?: TextBatch & { file: string };
  /** Image or audio input: absolute file paths. */
  files?: string[];
}

/**
 * Settings of the index built for each partition: the ann layer's options (the dimension and
 * capacity come from the partition), plus the index type. `threads` = worker threads of one build
 * on the worker's host (default: all its cores).
 */
export type PartitionIndexSettings = Pick<
  HnswOptions,
  'metric' | 'm' | 'efConstruction' | 'efSearch' | 'seed' | 'quantize' | 'int8Range' | 'threads'
> & {
  type: 'flat' | 'hnsw';
};

/** One partition of a vector file to index. */
export interface IndexTaskData {
  kind: 'index';
  run: string;
  task: string;
  partition: number;
  partitions: number;
  /** The vector file (any format `readVectorsAny` reads). */
  file: string;
  /** Rows `[rowStart, rowEnd)` of the file form this partition. */
  rowStart: number;
  rowEnd: number;
  settings: PartitionIndexSettings;
  /** Where the partition's index goes; `<output>.json` records it once written. */
  output: string;
  /** Set: the partition is written as a search index folder (`serve --shard` loads it) for this encoder. */
  search?: SearchPartitionSpec;
}

/** The encoder a searchable partition records: the one that made the vectors, loaded by the server for text queries. */
export interface SearchPartitionSpec {
  encoder: string;
  /** Its load options (paths absolute, as the servers must find the same files). */
  encoderOptions: Record<string, unknown>;
  modality: Modality;
}

export type TaskData = EmbedTaskData | IndexTaskData;

/** A task as the submitter plans it: its id (unique in the run) and the job data. */
export interface PlannedTask<D extends TaskData = TaskData> {
  id: string;
  data: D;
  /** What the task covers, for messages ("lines 201–300", "partition 2 of 4"). */
  label: string;
}
