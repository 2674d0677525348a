import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { FileFormatError, UsageError } from '../../errors.js';
import { encoderNames } from '../../encode/registry.js';
import { AUDIO_EXTENSIONS } from '../../encode/audio/inputs.js';
import { listImageFiles, readTextLines } from '../../encode/inputs.js';
import { int, oneOf } from '../parse.js';
import type { GlobalOptions } from '../run.js';
import { OUTPUT_FORMATS, type ItemId } from './embed-output.js';
import { checkEmbedUsage, parseOptionValue, runEmbed, type EmbedCommonOptions, type EmbedItem } from './embed-run.js';
import { readIdsFile } from './index-input.js';
import { addScrubOptions, scrubberOf, type ScrubOptionValues } from '../scrub-option.js';

/** Adds the options `embed text` and `embed image` share. */
function commonOptions(command: Command, inputHelp: string, outputHelp: string): Command {
  return command
    .requiredOption('-e, --encoder <name>', 'encoder name (`embedkit encoders` lists them)')
    .requiredOption('-i, --input <path>', inputHelp)
    .requiredOption('-o, --output <file>', outputHelp)
    .addOption(
      new Option('--format <format>', 'output format (default: from the extension .jsonl/.ndjson, .fvecs, .ekv)').argParser(
        oneOf(OUTPUT_FORMATS),
      ),
    )
    .option('-m, --model <path>', 'model folder or file, for encoders of a user-supplied model (transformer, onnx-image, clip, trained)')
    .option(
      '-O, --option <key=value>',
      'encoder load option, repeatable (e.g. -O threads=2 -O pooling=cls); numbers, true/false and JSON are parsed',
      parseOptionValue,
    )
    .option('--batch-size <n>', "inputs per model call (default: the encoder's)", int(1, 65536))
    .option(
      '--no-normalize',
      'keep raw vectors (default: unit length, except for encoders that default to raw vectors: face-api; -O normalize=true forces it)',
    )
    .option('--cache <dir>', 'on-disk cache of embeddings keyed by content hash (reused across runs by encoders that support it)')
    .option('--json', 'print a JSON summary {encoder, inputs, embedded, failed, dimension, seconds, output, errors, …}', false)
    .option('-q, --quiet', 'no progress bar', false);
}

function mergeGlobals<T extends { json: boolean }>(o: T, globals: () => GlobalOptions): T {
  return { ...o, json: o.json || globals().json };
}

/**
 * `embed audio --encoder MODEL.ekte`: a model file given as the encoder is an audio CNN trained by
 * `embedkit audio train` (the same as `--encoder audio-cnn --model MODEL.ekte`).
 */
function audioModelEncoder<T extends EmbedCommonOptions>(o: T): T {
  if (encoderNames().includes(o.encoder) || !(/\.ekte$/i.test(o.encoder) || existsSync(o.encoder))) return o;
  if (o.model !== undefined)
    throw new UsageError(`--encoder ${o.encoder} is a model file: give it alone (or --encoder audio-cnn --model FILE)`);
  return { ...o, encoder: 'audio-cnn', model: o.encoder };
}

/** `embedkit embed text|image|audio`: run an encoder over a text file or an image folder and save the vectors. */
export function registerEmbed(program: Command, globals: () => GlobalOptions): void {
  const embed = program
    .command('embed')
    .description('embed text lines, image files or audio files with an encoder and save the vectors (.jsonl, .fvecs or .ekv)');

  addScrubOptions(
    commonOptions(
      embed.command('text').description('embed each line of a text file (JSONL id = 0-based line number, or the line of --ids)'),
      'UTF-8 text file, one input per line',
      'vectors file: .jsonl ({"id", "vector"} or {"id", "error"} per line), .fvecs (+ FILE.ids) or .ekv (ids as keys)',
    ),
  )
    .option('--ids <file>', 'ids, one per line, same number of lines as the input (default: 0-based line numbers)')
    .action(async (raw: EmbedCommonOptions & ScrubOptionValues & { ids?: string }) => {
      const o = mergeGlobals(raw, globals);
      const format = checkEmbedUsage(o, 'text');
      const scrubber = await scrubberOf(o);
      const read = await readTextLines(o.input);
      const lines = scrubber ? read.map((line) => scrubber.scrub(line)) : read;
      let ids: ItemId[] = lines.map((_, i) => i);
      if (o.ids !== undefined) ids = await readIdsFile(o.ids, lines.length, false, 'the input has {n} lines');
      const items: EmbedItem<string>[] = lines.map((line, i) => ({ id: ids[i], input: line }));
      process.exitCode = await runEmbed('text', o, format, items);
    });

  commonOptions(
    embed.command('image').description('embed an image file, or every image file under a folder (JSONL id = path relative to the folder)'),
    'image file, or folder searched recursively for image files (by extension; hidden files skipped)',
    'vectors file: .jsonl ({"id", "vector"} or {"id", "error"} per file), .fvecs (+ FILE.ids) or .ekv (ids as keys)',
  )
    .option('--all-files', 'take every file of the folder, not only image extensions (others then fail per file)', false)
    .option('--threads <n>', 'encoder worker threads (image CNNs; same as -O threads=N)', int(1, 64))
    .action(async (raw: EmbedCommonOptions & { allFiles: boolean; threads?: number }) => {
      const o = mergeGlobals(raw, globals);
      if (o.threads !== undefined) o.option = { ...o.option, threads: o.threads };
      const format = checkEmbedUsage(o, 'image');
      const info = await stat(o.input).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOENT' ? new FileFormatError(o.input, 'no such file or folder') : error;
      });
      let items: EmbedItem<string>[];
      let skipped: string[] | undefined;
      if (info.isDirectory()) {
        const listing = await listImageFiles(o.input, { allFiles: o.allFiles });
        items = listing.files.map((f) => ({ id: f.id, input: f.path }));
        skipped = listing.skipped;
      } else if (info.isFile()) {
        items = [{ id: path.basename(o.input), input: o.input }];
      } else {
        throw new FileFormatError(o.input, 'is neither a file nor a directory');
      }
      process.exitCode = await runEmbed('image', o, format, items, skipped);
    });

  commonOptions(
    embed.command('audio').description('embed an audio file, or every audio file under a folder (JSONL id = path relative to the folder)'),
    `audio file, or folder searched recursively for audio files (${AUDIO_EXTENSIONS.join(', ')}; hidden files skipped)`,
    'vectors file: .jsonl ({"id", "vector"} or {"id", "error"} per file), .fvecs (+ FILE.ids) or .ekv (ids as keys)',
  )
    .option('--all-files', 'take every file of the folder, not only audio extensions (others then fail per file)', false)
    .action(async (raw: EmbedCommonOptions & { allFiles: boolean }) => {
      const o = audioModelEncoder(mergeGlobals(raw, globals));
      const format = checkEmbedUsage(o, 'audio');
      const info = await stat(o.input).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOENT' ? new FileFormatError(o.input, 'no such file or folder') : error;
      });
      let items: EmbedItem<string>[];
      let skipped: string[] | undefined;
      if (info.isDirectory()) {
        const listing = await listImageFiles(o.input, { allFiles: o.allFiles, extensions: AUDIO_EXTENSIONS });
        items = listing.files.map((f) => ({ id: f.id, input: f.path }));
        skipped = listing.skipped;
      } else if (info.isFile()) {
        items = [{ id: path.basename(o.input), input: o.input }];
      } else {
        throw new FileFormatError(o.input, 'is neither a file nor a directory');
      }
      process.exitCode = await runEmbed('audio', o, format, items, skipped);
    });
}
