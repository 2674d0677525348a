// `embedkit jobs index`: one index per partition of a vector file, built on the cluster's workers.
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { HnswOptions } from '../../ann/options.js';
import { EmbedkitError, UsageError } from '../../errors.js';
import { submitIndex } from '../../jobs/index-submit.js';
import type { RetryOptions } from '../../jobs/retry.js';
import { addLibraryFlags, allValues, libraryOptions } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { parseOptionValue } from './embed-run.js';
import { INDEX_FLAGS, METRIC_FLAG } from './index-build.js';
import { addRedisFlag, RETRY_FLAGS, showRunProgress } from './jobs-flags.js';

export function registerJobsIndex(jobs: Command, globals: () => GlobalOptions): void {
  const command = jobs
    .command('index')
    .description('build one index per partition of a vector file on the cluster (shards + manifest.json in the output folder)');
  addRedisFlag(command);
  command
    .requiredOption('-i, --input <file>', 'vectors (.fvecs, .npy, JSON Lines or a word-vector file) on a file system the workers share')
    .requiredOption(
      '-o, --output <dir>',
      'folder of the shards (part-N.index, or part-N/ with --encoder) and manifest.json (shared with the workers)',
    )
    .requiredOption('-p, --partitions <n>', 'partitions of contiguous rows, one index each', int(1, 4096))
    .option(
      '-e, --encoder <name>',
      'the encoder that made the vectors: write each partition as a search index folder part-N/ that `serve --shard` loads (cosine)',
    )
    .option('-m, --model <path>', 'with --encoder: its model folder or file, for encoders of a user-supplied model')
    .option('-O, --option <key=value>', 'with --encoder: an encoder load option, repeatable', parseOptionValue);
  addLibraryFlags(command, METRIC_FLAG);
  command.addOption(
    new Option('--type <type>', 'flat (exact) or hnsw (approximate)')
      .default('hnsw')
      .argParser(oneOf(allValues<'flat' | 'hnsw'>({ flat: true, hnsw: true }))),
  );
  addLibraryFlags(command, INDEX_FLAGS);
  addLibraryFlags(command, RETRY_FLAGS);
  command
    .option('--json', 'print JSON {run, manifest, vectors, partitions, resumed, submitted, seconds}', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(
      async (
        o: {
          redis: string;
          input: string;
          output: string;
          partitions: number;
          type: 'flat' | 'hnsw';
          encoder?: string;
          model?: string;
          option?: Record<string, unknown>;
          json: boolean;
          quiet: boolean;
        } & Record<string, unknown>,
      ) => {
        const t0 = performance.now();
        const { metric } = libraryOptions(o, METRIC_FLAG) as Pick<HnswOptions, 'metric'>;
        if (o.encoder === undefined && (o.model !== undefined || o.option !== undefined))
          throw new UsageError('--model and --option describe the encoder: give --encoder too');
        if (o.model !== undefined && o.option && 'path' in o.option)
          throw new UsageError('give the model path either with --model or with --option path=…, not both');
        const search =
          o.encoder === undefined
            ? undefined
            : { encoder: o.encoder, encoderOptions: { ...o.option, ...(o.model !== undefined ? { path: o.model } : {}) } };
        const bar = new ProgressBar(!o.quiet);
        const result = await submitIndex({
          ...(libraryOptions(o, RETRY_FLAGS) as RetryOptions),
          redis: o.redis,
          input: o.input,
          output: o.output,
          partitions: o.partitions,
          settings: { ...libraryOptions(o, INDEX_FLAGS), metric, type: o.type },
          ...(search ? { search } : {}),
          onProgress: (p) => showRunProgress(bar, 'partitions', p, t0),
          signal: abortOnSigint(),
        }).finally(() => bar.done());
        if (result.failures.length > 0) {
          process.stderr.write(`${result.failures.map((f) => `embedkit: failed: ${f.message}`).join('\n')}\n`);
          throw new EmbedkitError(
            `${result.failures.length} of ${o.partitions} partitions failed; no manifest written (rerun to retry them)`,
          );
        }
        const seconds = (performance.now() - t0) / 1000;
        const summary = {
          run: result.run,
          manifest: result.manifest,
          vectors: result.vectors,
          partitions: o.partitions,
          resumed: result.resumed,
          submitted: result.submitted,
          adopted: result.adopted,
          seconds,
        };
        if (o.json || globals().json) return printJson(summary);
        printLines([
          `indexed ${result.vectors} vectors in ${o.partitions} partitions on the cluster in ${seconds.toFixed(2)} s (${result.resumed} already done, ${result.submitted} submitted)`,
          `wrote ${result.manifest}`,
          ...(search
            ? [
                `serve each partition: embedkit serve --shard NAME=${path.join(o.output, `part-${'0'.padStart(String(o.partitions - 1).length, '0')}`)} … and \`embedkit serve --router\` in front`,
              ]
            : []),
        ]);
      },
    );
}
