// The shared part of `embedkit embed text|image`: load the encoder, embed the inputs in chunks with a
// progress bar, write the output, print the summary and set the exit code.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { EmbedkitError, UsageError } from '../../errors.js';
import { getEncoderEntry, loadEncoder } from '../../encode/registry.js';
import type { Encoder, Modality } from '../../encode/types.js';
import { printJson, printLines } from '../output.js';
import { compact, duration, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, EXIT } from '../run.js';
import { idsFileOf, openSink, outputFormatOf, type EmbedSink, type ItemId, type OutputFormat } from './embed-output.js';

/** Options common to `embed text` and `embed image` (commander's camelCase names). */
export interface EmbedCommonOptions {
  encoder: string;
  input: string;
  output: string;
  format?: OutputFormat;
  model?: string;
  /** `-O key=value` load options (undefined when none was given). */
  option?: Record<string, unknown>;
  batchSize?: number;
  normalize: boolean;
  cache?: string;
  json: boolean;
  quiet: boolean;
}

/** One input to embed and its id in the output. */
export interface EmbedItem<I> {
  id: ItemId;
  input: I;
}

/** The `--json` summary (and what the human-readable lines show). */
export interface EmbedSummary {
  encoder: string;
  modality: Modality;
  input: string;
  inputs: number;
  embedded: number;
  failed: number;
  dimension: number;
  seconds: number;
  loadSeconds: number;
  itemsPerSecond: number;
  output: string;
  format: OutputFormat;
  /** Rows in the output file (0 and `written: false` when nothing could be written). */
  rows: number;
  written: boolean;
  idsFile?: string;
  /** Files of a directory input left out because of their extension. */
  skipped?: string[];
  errors: { id: ItemId; error: string }[];
}

/** Inputs per `embed` call: bounds memory for JSONL output and lets the bar move on large inputs. */
const CHUNK = 1024;

/** Parses `key=value` of `--option`: numbers, true/false, JSON arrays/objects, else the string. */
export function parseOptionValue(value: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`--option expects key=value, got '${value}'`);
  const key = value.slice(0, eq).trim();
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  if (raw === 'true' || raw === 'false') parsed = raw === 'true';
  else if (raw.trim() !== '' && Number.isFinite(Number(raw))) parsed = Number(raw);
  else if (/^\s*[[{]/.test(raw)) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new UsageError(`--option ${key}: '${raw}' is not valid JSON`);
    }
  }
  return { ...previous, [key]: parsed };
}

/** Checks what can be checked before anything is read or loaded (bad usage exits with 2 early). */
export function checkEmbedUsage(o: EmbedCommonOptions, modality: Modality): OutputFormat {
  const entry = getEncoderEntry(o.encoder);
  if (entry.modality !== modality)
    throw new UsageError(`encoder '${o.encoder}' embeds ${entry.modality}, not ${modality} (use \`embedkit embed ${entry.modality}\`)`);
  if (o.model !== undefined && o.option && 'path' in o.option)
    throw new UsageError('give the model path either with --model or with --option path=…, not both');
  if (entry.needsPath && o.model === undefined && !(o.option && 'path' in o.option) && !(o.option && 'model' in o.option)) {
    throw new UsageError(`encoder '${o.encoder}' loads a model you give: add --model PATH`);
  }
  return outputFormatOf(o.output, o.format);
}

/** Fails before the (possibly long) embedding when the output's directory is missing or not writable. */
async function checkOutputDir(output: string): Promise<void> {
  const dir = path.dirname(path.resolve(output));
  try {
    if (!(await stat(dir)).isDirectory()) throw new EmbedkitError(`cannot write ${output}: ${dir} is not a directory`);
    await access(dir, constants.W_OK);
  } catch (error) {
    if (error instanceof EmbedkitError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new EmbedkitError(
      `cannot write ${output}: ${code === 'ENOENT' ? `the directory ${dir} does not exist` : `${dir} is not writable (${code})`}`,
    );
  }
}

/** Embeds `items` with the encoder of `o`, writes `o.output`, prints the summary; returns the exit code. */
export async function runEmbed<I>(
  modality: Modality,
  o: EmbedCommonOptions,
  format: OutputFormat,
  items: readonly EmbedItem<I>[],
  skipped?: string[],
): Promise<number> {
  const t0 = performance.now();
  if (items.length === 0)
    throw new EmbedkitError(
      `${o.input}: no inputs to embed${skipped?.length ? ` (${skipped.length} files skipped by extension; --all-files takes them)` : ''}`,
    );
  if (format === 'fvecs') {
    // FILE.ids holds one id per line: an id with a line break (a file name can have one) would shift every later row.
    const broken = items.find((item) => typeof item.id === 'string' && /[\r\n]/.test(item.id));
    if (broken)
      throw new UsageError(
        `cannot write the ids of ${o.output} one per line: the id ${JSON.stringify(broken.id)} has a line break (use .jsonl or .ekv)`,
      );
  }
  await checkOutputDir(o.output);
  const bar = new ProgressBar(!o.quiet);
  const signal = abortOnSigint();
  const loadOptions = { ...o.option, ...(o.model !== undefined ? { path: o.model } : {}) };
  let encoder: Encoder | undefined;
  let sink: EmbedSink | undefined;
  const errors: { id: ItemId; error: string }[] = [];
  // For stderr: image and audio errors already start with the file's path; others get their id in front.
  const errorLines: string[] = [];
  try {
    bar.update('load', 0, o.encoder, true);
    encoder = await loadEncoder(o.encoder, loadOptions);
    const loadSeconds = (performance.now() - t0) / 1000;
    const dim = encoder.dimension;
    sink = await openSink(o.output, format, dim);
    const te = performance.now();
    const total = items.length;
    // Encoders that fit on their first inputs (SIF's component, TF-IDF's IDF; `autoFit`) would fit on
    // the first chunk only: fit them on every input first, as one `embed` call of the library does.
    const fittable = encoder as Encoder & {
      autoFit?: unknown;
      fitted?: unknown;
      fitAsync?: (corpus: Iterable<unknown>, signal?: AbortSignal) => Promise<unknown>;
    };
    if (total > CHUNK && fittable.autoFit === true && fittable.fitted === false && typeof fittable.fitAsync === 'function') {
      bar.update('fit', 0, o.encoder, true);
      try {
        await fittable.fitAsync(
          items.map((item) => item.input).filter((input) => typeof input === 'string'),
          signal,
        );
      } catch (error) {
        // Nothing to fit on (no line has a known word): the lines then fail one by one below.
        if (!(error instanceof UsageError)) throw error;
      }
    }
    for (let start = 0; start < total; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      const result = await encoder.embed(
        chunk.map((item) => item.input),
        {
          ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
          ...(o.normalize ? {} : { normalize: false }),
          ...(o.cache !== undefined ? { cacheDir: o.cache } : {}),
          signal,
          onProgress: (done) => {
            const all = start + done;
            const rate = all / Math.max(1e-3, (performance.now() - te) / 1000);
            bar.update(
              'embed',
              all / total,
              `${compact(all)}/${compact(total)} ${modality === 'text' ? 'lines' : 'files'}, ${rate.toFixed(1)}/s, eta ${duration((total - all) / rate)}`,
            );
          },
        },
      );
      if (result.dim !== dim || result.rows !== chunk.length)
        throw new EmbedkitError(
          `encoder '${o.encoder}' returned ${result.rows} rows × ${result.dim} for ${chunk.length} inputs of dimension ${dim}`,
        );
      const failed = new Map<number, string>();
      for (const e of result.errors) {
        failed.set(e.index, e.message);
        const { id, input } = chunk[e.index];
        errors.push({ id, error: e.message });
        errorLines.push(
          modality !== 'text' && typeof input === 'string' && input !== '' && e.message.startsWith(`${input}: `)
            ? e.message
            : `${String(id)}: ${e.message}`,
        );
      }
      await sink.add(
        chunk.map((item) => item.id),
        result.data,
        failed,
      );
    }
    const embedded = total - errors.length;
    const embedSeconds = (performance.now() - te) / 1000;
    // All failed: JSONL still records why per line; .fvecs/.ekv cannot hold 0 rows and are not written.
    const rows = await sink.commit();
    sink = undefined;
    bar.done();
    const seconds = (performance.now() - t0) / 1000;
    const summary: EmbedSummary = {
      encoder: o.encoder,
      modality,
      input: o.input,
      inputs: total,
      embedded,
      failed: errors.length,
      dimension: dim,
      seconds,
      loadSeconds,
      itemsPerSecond: total / Math.max(1e-9, embedSeconds),
      output: o.output,
      format,
      rows,
      written: rows > 0,
      ...(format === 'fvecs' && rows > 0 ? { idsFile: idsFileOf(o.output) } : {}),
      ...(skipped !== undefined ? { skipped } : {}),
      errors,
    };
    report(summary, errorLines, o.json);
    return embedded === 0 ? EXIT.failed : EXIT.ok;
  } finally {
    bar.done();
    await sink?.abort();
    await encoder?.dispose?.();
  }
}

const SHOWN_ERRORS = 20;

function report(s: EmbedSummary, errorLines: string[], json: boolean): void {
  if (json) return printJson(s);
  const shown = errorLines.slice(0, SHOWN_ERRORS).map((line) => `embedkit: failed: ${line}`);
  if (s.errors.length > SHOWN_ERRORS) shown.push(`embedkit: … and ${s.errors.length - SHOWN_ERRORS} more failures (--json lists all)`);
  if (s.embedded === 0)
    shown.push(`embedkit: error: all ${s.inputs} inputs failed${s.written ? ` (${s.output} lists the errors)` : '; nothing written'}`);
  if (shown.length > 0) process.stderr.write(`${shown.join('\n')}\n`);
  const lines = [
    `embedded ${s.embedded} of ${s.inputs} ${s.modality === 'text' ? 'lines' : 'files'} with ${s.encoder} (${s.dimension} dims) in ${s.seconds.toFixed(2)} s ` +
      `(load ${s.loadSeconds.toFixed(2)} s, ${s.itemsPerSecond.toFixed(1)}/s)${s.failed > 0 ? `, ${s.failed} failed` : ''}`,
  ];
  if (s.written) lines.push(`wrote ${s.output} (${s.format}, ${s.rows} rows)${s.idsFile ? ` and its ids ${s.idsFile}` : ''}`);
  if (s.skipped?.length)
    lines.push(`skipped ${s.skipped.length} file${s.skipped.length === 1 ? '' : 's'} by extension (--all-files takes them)`);
  printLines(lines);
}
