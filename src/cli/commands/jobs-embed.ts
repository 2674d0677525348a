// `embedkit jobs embed`: embeds a text file or a folder of images/audio on the cluster's workers and
// writes the vectors in input order, like `embedkit embed` on one machine.
import type { Command } from 'commander';
import { Option } from 'commander';
import { EmbedkitError, UsageError } from '../../errors.js';
import { getEncoderEntry } from '../../encode/registry.js';
import { removeWorkDir, submitEmbed, type EmbeddedBatch } from '../../jobs/embed-submit.js';
import type { RetryOptions } from '../../jobs/retry.js';
import { addLibraryFlags, libraryOptions } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, EXIT, type GlobalOptions } from '../run.js';
import { idsFileOf, openSink, OUTPUT_FORMATS, outputFormatOf, type OutputFormat } from './embed-output.js';
import { parseOptionValue } from './embed-run.js';
import { addRedisFlag, RETRY_FLAGS, showRunProgress } from './jobs-flags.js';

interface JobsEmbedFlags {
  redis: string;
  encoder: string;
  input: string;
  output: string;
  format?: OutputFormat;
  model?: string;
  option?: Record<string, unknown>;
  batch: number;
  batchSize?: number;
  normalize: boolean;
  workDir?: string;
  keepWork: boolean;
  allFiles: boolean;
  json: boolean;
  quiet: boolean;
}

const SHOWN_ERRORS = 20;

export function registerJobsEmbed(jobs: Command, globals: () => GlobalOptions): void {
  const command = jobs
    .command('embed')
    .description('embed a text file (one input per line) or an image/audio folder on the cluster, output in input order');
  addRedisFlag(command);
  command
    .requiredOption('-e, --encoder <name>', 'encoder name (`embedkit encoders` lists them)')
    .requiredOption(
      '-i, --input <path>',
      'text file for text encoders; image/audio file or folder for the others (on a file system the workers share)',
    )
    .requiredOption('-o, --output <file>', 'vectors file: .jsonl, .fvecs (+ FILE.ids) or .ekv, as `embedkit embed` writes')
    .addOption(new Option('--format <format>', 'output format (default: from the extension)').argParser(oneOf(OUTPUT_FORMATS)))
    .option('-m, --model <path>', 'model folder or file, for encoders of a user-supplied model')
    .option(
      '-O, --option <key=value>',
      'encoder load option, repeatable (relative paths are resolved here for the workers)',
      parseOptionValue,
    )
    .option('--batch <n>', 'inputs per job', int(1, 1_000_000), 256)
    .option('--batch-size <n>', "inputs per model call on the worker (default: the encoder's)", int(1, 65536))
    .option('--no-normalize', 'keep raw vectors')
    .option('--work-dir <dir>', 'where workers write the shards, shared by all hosts (default: .<output name>.jobs next to the output)')
    .option('--keep-work', 'keep the shards after the output is written', false)
    .option('--all-files', 'folders: take every file, not only image/audio extensions', false);
  addLibraryFlags(command, RETRY_FLAGS);
  command
    .option('--json', 'print a JSON summary {run, encoder, inputs, embedded, failed, batches, resumed, submitted, …}', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (o: JobsEmbedFlags & Record<string, unknown>) => {
      const t0 = performance.now();
      const json = o.json || globals().json;
      const entry = getEncoderEntry(o.encoder);
      const format = outputFormatOf(o.output, o.format);
      if (o.model !== undefined && o.option && 'path' in o.option)
        throw new UsageError('give the model path either with --model or with --option path=…, not both');
      if (entry.needsPath && o.model === undefined && !(o.option && ('path' in o.option || 'model' in o.option)))
        throw new UsageError(`encoder '${o.encoder}' loads a model you give: add --model PATH`);
      const bar = new ProgressBar(!o.quiet);
      const signal = abortOnSigint();
      bar.update('plan', 0, o.input, true);
      // The output is written as the batches land, in input order (see `onBatch`); what is left
      // when the last batch ends is its last rows and the commit.
      let dim = 0;
      let embedded = 0;
      const errors: { id: string | number; error: string }[] = [];
      let sink: Awaited<ReturnType<typeof openSink>> | undefined;
      const addBatch = async ({ ids, shard }: EmbeddedBatch) => {
        if (!sink) {
          dim = shard.dim;
          sink = await openSink(o.output, format, dim);
        } else if (shard.dim !== dim) throw new EmbedkitError(`shards of this run disagree on the dimension (${dim} and ${shard.dim})`);
        const failed = new Map(shard.errors.map((e) => [e.index, e.message]));
        for (const e of shard.errors) errors.push({ id: ids[e.index], error: e.message });
        embedded += ids.length - failed.size;
        await sink.add(ids, shard.data, failed);
      };
      try {
        const result = await submitEmbed({
          ...(libraryOptions(o, RETRY_FLAGS) as RetryOptions),
          redis: o.redis,
          encoder: o.encoder,
          encoderOptions: { ...o.option, ...(o.model !== undefined ? { path: o.model } : {}) },
          ...(o.normalize ? {} : { normalize: false }),
          ...(o.batchSize !== undefined ? { encoderBatchSize: o.batchSize } : {}),
          input: o.input,
          output: o.output,
          batch: o.batch,
          ...(o.workDir !== undefined ? { workDir: o.workDir } : {}),
          allFiles: o.allFiles,
          onProgress: (p) => showRunProgress(bar, 'batches', p, t0),
          onBatch: addBatch,
          signal,
        }).finally(() => bar.done());
        if (result.failures.length > 0) {
          const lines = result.failures.slice(0, SHOWN_ERRORS).map((f) => `embedkit: failed: ${f.message}`);
          if (result.failures.length > SHOWN_ERRORS) lines.push(`embedkit: … and ${result.failures.length - SHOWN_ERRORS} more`);
          process.stderr.write(`${lines.join('\n')}\n`);
          throw new EmbedkitError(
            `${result.failures.length} of ${result.tasks} batches failed; nothing written (the finished batches are kept in ${result.workDir}: rerun to retry the failed ones)`,
          );
        }
        const tAssemble = performance.now();
        const rows = sink ? await sink.commit() : 0;
        sink = undefined;
        if (!o.keepWork) await removeWorkDir(result);
        const seconds = (performance.now() - t0) / 1000;
        const summary = {
          run: result.run,
          encoder: o.encoder,
          modality: result.modality,
          input: o.input,
          inputs: result.inputs,
          embedded,
          failed: errors.length,
          dimension: dim,
          batches: result.batches.length,
          tasks: result.tasks,
          resumed: result.resumed,
          submitted: result.submitted,
          adopted: result.adopted,
          seconds,
          // start: process start to the command running (module loading); assemble: from the last
          // batch done to the output written (the batches before were written during the run).
          phases: { start: t0 / 1000, ...result.seconds, assemble: (performance.now() - tAssemble) / 1000 },
          itemsPerSecond: result.inputs / Math.max(seconds, 1e-9),
          output: o.output,
          format,
          rows,
          ...(format === 'fvecs' && rows > 0 ? { idsFile: idsFileOf(o.output) } : {}),
          ...(result.skipped ? { skipped: result.skipped } : {}),
          errors,
        };
        if (json) printJson(summary);
        else {
          if (errors.length > 0) {
            const shown = errors.slice(0, SHOWN_ERRORS).map((e) => `embedkit: failed: ${String(e.id)}: ${e.error}`);
            if (errors.length > SHOWN_ERRORS)
              shown.push(`embedkit: … and ${errors.length - SHOWN_ERRORS} more failures (--json lists all)`);
            process.stderr.write(`${shown.join('\n')}\n`);
          }
          printLines([
            `embedded ${embedded} of ${result.inputs} inputs with ${o.encoder} (${dim} dims) on the cluster in ${seconds.toFixed(2)} s ` +
              `(${summary.itemsPerSecond.toFixed(1)}/s; ${result.batches.length} batches: ${result.resumed} already done, ${result.submitted} submitted, ${result.adopted} already queued)`,
            `wrote ${o.output} (${format}, ${rows} rows)${summary.idsFile ? ` and its ids ${summary.idsFile}` : ''}`,
          ]);
        }
        process.exitCode = embedded === 0 ? EXIT.failed : EXIT.ok;
      } finally {
        await sink?.abort();
      }
    });
}
