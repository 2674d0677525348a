import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { FileFormatError, UsageError } from '../../errors.js';
import { listImageFiles, readTextLines } from '../../encode/inputs.js';
import { getEncoderEntry, loadEncoder } from '../../encode/registry.js';
import type { Encoder } from '../../encode/types.js';
import { communities, duplicateGroups, matchTexts, minePairs, type MatchOptions, type MinePairsOptions } from '../../tasks/match/index.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { ProgressBar } from '../progress-bar.js';
import type { GlobalOptions } from '../run.js';
import { parseOptionValue } from './embed-run.js';
import { DEFAULT_SEARCH_ENCODER } from './search.js';

interface EncoderFlags {
  encoder?: string;
  model?: string;
  option?: Record<string, unknown>;
}

async function encoderFrom(o: EncoderFlags, fallback: string): Promise<Encoder> {
  const name = o.encoder ?? fallback;
  const entry = getEncoderEntry(name);
  const options = { ...o.option, ...(o.model !== undefined ? { path: o.model } : {}) };
  if ((entry as { needsPath?: boolean }).needsPath && options.path === undefined)
    throw new UsageError(`encoder '${name}' loads a model you give: add --model PATH`);
  return loadEncoder(name, options);
}

function encoderOptions(c: Command): Command {
  return c
    .option('-m, --model <path>', 'model folder or file, for encoders of a user-supplied model')
    .option('-O, --option <key=value>', 'encoder load option, repeatable', parseOptionValue)
    .option('--json', 'print JSON', false)
    .option('-q, --quiet', 'no progress bar', false);
}

async function nonEmptyLines(file: string): Promise<string[]> {
  const lines = await readTextLines(file);
  if (lines.length === 0) throw new FileFormatError(file, 'is empty');
  return lines;
}

const MATCH_FLAGS: readonly LibraryFlag<MatchOptions>[] = [
  { key: 'k', flags: '-k, --k <n>', description: 'candidates per query', parse: int(1, 1e6), default: 1 },
  {
    key: 'mode',
    flags: '--mode <mode>',
    description: 'dense (bi-encoder) or a hybrid re-ranking with BM25: rrf, convex (default dense)',
    parse: oneOf(allValues<NonNullable<MatchOptions['mode']>>({ dense: true, rrf: true, convex: true, bm25: true })),
  },
  { key: 'minScore', flags: '--min-score <s>', description: 'drop matches scoring below this (dense: cosine)', parse: float(-1e9, 1e9) },
];

const MINE_FLAGS: readonly LibraryFlag<MinePairsOptions>[] = [
  {
    key: 'threshold',
    flags: '-t, --threshold <cosine>',
    description: 'cosine similarity of a duplicate pair',
    parse: float(-1, 1),
    default: 0.9,
  },
  { key: 'neighbors', flags: '--neighbors <n>', description: 'nearest neighbours examined per item (default 20)', parse: int(1, 10000) },
  { key: 'index', flags: '--index <type>', description: 'hnsw (default) or flat (exact, O(n²))', parse: oneOf(['hnsw', 'flat'] as const) },
  { key: 'threads', flags: '--threads <n>', description: 'index worker threads (default 1)', parse: int(1, 64) },
];

/** `embedkit match` (queries → candidates) and `embedkit dedupe` (near-duplicate pairs and groups). */
export function registerMatch(program: Command, globals: () => GlobalOptions): void {
  const m = encoderOptions(
    program
      .command('match')
      .description('match each query line to its best candidate lines (FAQ answering, entity matching) with a text encoder')
      .requiredOption('--queries <file>', 'text file, one query per line')
      .requiredOption('--candidates <file>', 'text file, one candidate per line (ids = 0-based line numbers)')
      .option('-e, --encoder <name>', 'text encoder', DEFAULT_SEARCH_ENCODER),
  );
  addLibraryFlags(m, MATCH_FLAGS);
  m.action(async (o: EncoderFlags & { queries: string; candidates: string; json: boolean } & Record<string, unknown>) => {
    const queries = await nonEmptyLines(o.queries);
    const candidates = await nonEmptyLines(o.candidates);
    const encoder = await encoderFrom(o, DEFAULT_SEARCH_ENCODER);
    const r = await matchTexts(encoder, queries, candidates, libraryOptions(o, MATCH_FLAGS));
    const results: Record<string, { id: number; score: number; text: string }[]> = {};
    r.forEach(
      (hits, i) => (results[String(i)] = hits.map((h) => ({ id: h.id as number, score: h.score, text: candidates[h.id as number] }))),
    );
    if (o.json || globals().json) return printJson({ results });
    printLines(queries.flatMap((q, i) => [q, ...results[String(i)].map((h) => `  ${h.score.toFixed(4)}  ${h.text}`)]));
  });

  const d = encoderOptions(
    program
      .command('dedupe')
      .description('find near-duplicate pairs (cosine ≥ threshold) and their groups among text lines or images, through an HNSW index')
      .requiredOption(
        '-i, --input <path>',
        'text file (one item per line, id = 0-based line number) or a folder of images (id = relative path)',
      )
      .option('-e, --encoder <name>', `encoder (default ${DEFAULT_SEARCH_ENCODER} for text, mobilenet-v2 for a folder)`)
      .option('--communities <min-size>', 'also report star communities of at least this size (sentence-transformers style)', int(1, 1e9)),
  );
  addLibraryFlags(d, MINE_FLAGS);
  d.action(async (o: EncoderFlags & { input: string; json: boolean; quiet: boolean; communities?: number } & Record<string, unknown>) => {
    const started = performance.now();
    const info = await fs.stat(o.input).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new FileFormatError(o.input, 'no such file or folder') : e;
    });
    const folder = info.isDirectory();
    const encoder = await encoderFrom(o, folder ? 'mobilenet-v2' : DEFAULT_SEARCH_ENCODER);
    let ids: (string | number)[];
    let inputs: string[];
    if (folder) {
      if (encoder.modality !== 'image') throw new UsageError(`a folder needs an image encoder, '${encoder.name}' is ${encoder.modality}`);
      const files = (await listImageFiles(o.input)).files;
      ids = files.map((f) => f.id);
      inputs = files.map((f) => f.path);
    } else {
      if (encoder.modality !== 'text') throw new UsageError(`a text file needs a text encoder, '${encoder.name}' is ${encoder.modality}`);
      inputs = await readTextLines(o.input);
      ids = inputs.map((_, i) => i);
    }
    if (inputs.length === 0) throw new FileFormatError(o.input, folder ? 'holds no image files' : 'is empty');
    const bar = new ProgressBar(!o.quiet && !o.json && !globals().json);
    const emb = await encoder.embed(inputs, {
      normalize: true,
      onProgress: (done, total) => bar.update('embed', done / total, `${done}/${total}`),
    });
    bar.done();
    if (emb.errors.length > 0) {
      const e = emb.errors[0];
      throw new UsageError(`${folder ? path.join(o.input, String(ids[e.index])) : `${o.input} line ${e.index + 1}`}: ${e.message}`);
    }
    const embedSeconds = (performance.now() - started) / 1000;
    const mineStarted = performance.now();
    const pairs = await minePairs(emb, libraryOptions(o, MINE_FLAGS));
    const groups = duplicateGroups(emb.rows, pairs);
    const stars = o.communities !== undefined ? communities(emb.rows, pairs, o.communities) : undefined;
    const summary = {
      items: emb.rows,
      encoder: encoder.name,
      pairs: pairs.map((p) => ({ a: ids[p.a], b: ids[p.b], score: p.score })),
      groups: groups.map((g) => g.map((i) => ids[i])),
      ...(stars ? { communities: stars.map((g) => g.map((i) => ids[i])) } : {}),
      embedSeconds,
      mineSeconds: (performance.now() - mineStarted) / 1000,
    };
    if (o.json || globals().json) return printJson(summary);
    printLines([
      `${pairs.length} pairs above the threshold in ${emb.rows} items, ${groups.length} groups`,
      ...summary.groups.map((g) => `  ${g.map(String).join('  ')}`),
    ]);
  });
}
