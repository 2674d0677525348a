// `embedkit train --model glove`: the GloVe flags (named after the reference glove's where they do
// not clash with word2vec's: its -alpha is --weight-exponent here, as --alpha is word2vec's rate)
// and the run itself.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { VectorFormatName } from '../../io/word-vectors/vector-format.js';
import type { Corpus } from '../../text/corpus.js';
import type { Tokenizer } from '../../text/tokenizer.js';
import { GLOVE_DEFAULTS as G, type GloVeOptions, type GloVeProgress } from '../../vectors/glove/options.js';
import { GloVe } from '../../vectors/glove/trainer.js';
import { saveVectors } from '../../vectors/save.js';
import type { Word2VecOptions } from '../../vectors/word2vec/options.js';
import { libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float } from '../parse.js';
import { compact, duration, type ProgressBar } from '../progress-bar.js';
import { SENTENCE_FLAGS, TRAINING_FLAGS } from './train-flags.js';

const GIB = 2 ** 30;

/** GloVe-only flags, in --help order. */
export const GLOVE_FLAGS: readonly LibraryFlag<GloVeOptions>[] = [
  { key: 'xMax', flags: '--x-max <x>', description: 'GloVe: cutoff of the weighting function', parse: float(1e-6), default: G.xMax },
  {
    key: 'alpha',
    flags: '--weight-exponent <x>',
    description: "GloVe: exponent of the weighting function (the reference's -alpha)",
    parse: float(1e-6, 10),
    default: G.alpha,
  },
  { key: 'eta', flags: '--eta <x>', description: 'GloVe: AdaGrad initial learning rate', parse: float(1e-9, 10), default: G.eta },
  {
    key: 'memoryBudget',
    flags: '--memory <GiB>',
    description: 'GloVe: memory for co-occurrence counting (beyond it, sorted chunks spill to disk)',
    parse: (v) => Math.round(float(1 / 1024, 3)(v) * GIB),
    default: G.memoryBudget,
  },
  { key: 'symmetric', flags: '--no-symmetric', description: 'GloVe: count left context only', default: G.symmetric },
  {
    key: 'distanceWeighting',
    flags: '--no-distance-weighting',
    description: 'GloVe: weight every pair 1 instead of 1/distance',
    default: G.distanceWeighting,
  },
];

/** word2vec flags that GloVe shares (same meaning); the others are refused with --model glove. */
const SHARED: ReadonlySet<keyof Word2VecOptions> = new Set([
  'dim',
  'window',
  'minCount',
  'maxVocabSize',
  'maxFinalVocab',
  'epochs',
  'workers',
  'seed',
  'maxSentenceLength',
]);
/** Shared flags whose default differs for GloVe. */
const GLOVE_DEFAULT: Partial<Record<keyof Word2VecOptions, number>> = { window: G.window, epochs: G.epochs };

const attribute = (flags: string): string => {
  const long = /--(?:no-)?([a-z-]+)/.exec(flags)![1];
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
};

/** The GloVe options of a parsed `train` command line; UsageError for word2vec-only flags. */
export function gloveOptions(o: Record<string, unknown>, command: Command): GloVeOptions {
  const out: GloVeOptions = { ...libraryOptions(o, GLOVE_FLAGS) };
  for (const flag of [...TRAINING_FLAGS, ...SENTENCE_FLAGS] as readonly LibraryFlag<Word2VecOptions>[]) {
    const attr = attribute(flag.flags);
    const fromCli = command.getOptionValueSource(attr) === 'cli';
    if (flag.key === 'model') continue;
    if (!SHARED.has(flag.key)) {
      if (fromCli)
        throw new UsageError(`${flag.flags.split(' ')[0]} is a word2vec option; GloVe does not use it (see --eta, --weight-exponent)`);
      continue;
    }
    const value = fromCli ? o[attr] : (GLOVE_DEFAULT[flag.key] ?? o[attr]);
    if (value !== undefined) (out as Record<string, unknown>)[flag.key] = value;
  }
  return out;
}

/** Trains GloVe and saves the vectors; prints the result like the word2vec path. */
export async function runGloVe(
  run: { corpus: Corpus; tokenizer: Tokenizer; output: string; format?: VectorFormatName; json: boolean; bar: ProgressBar },
  options: GloVeOptions,
): Promise<void> {
  const t0 = performance.now();
  const glove = new GloVe({ ...options, progressInterval: 200, onProgress: (p) => showProgress(run.bar, p) });
  const { dim, epochs } = glove.options;
  try {
    const vocab = await glove.buildVocab(run.corpus, run.tokenizer);
    const training = await glove.train();
    run.bar.update('save', 1, run.output, true);
    await saveVectors(glove.wv, run.output, run.format ? { format: run.format } : {});
    run.bar.done();
    const seconds = (performance.now() - t0) / 1000;
    const result = {
      output: run.output,
      format: run.format ?? 'auto',
      model: 'glove',
      corpusTokens: vocab.rawTokens,
      sentences: vocab.sentences,
      vocabSize: vocab.vocabSize,
      dim,
      epochs,
      cooccurrences: training.cooccurrences,
      spilledChunks: training.spilledChunks,
      cost: training.cost,
      seconds,
      vocabSeconds: vocab.seconds,
      countSeconds: training.countSeconds,
      trainSeconds: training.trainSeconds,
    };
    if (run.json) printJson(result);
    else
      printLines([
        `trained glove on ${compact(vocab.rawTokens)} tokens: ${vocab.vocabSize} words × ${dim} dims, ${compact(training.cooccurrences)} co-occurrences × ${epochs} epochs`,
        `vocabulary scan ${vocab.seconds.toFixed(1)} s, counting ${training.countSeconds.toFixed(1)} s${training.spilledChunks > 0 ? ` (${training.spilledChunks} chunks spilled)` : ''}, training ${training.trainSeconds.toFixed(1)} s, total ${seconds.toFixed(1)} s`,
        `final cost ${training.cost.toFixed(4)}`,
        `wrote ${run.output}`,
      ]);
  } finally {
    run.bar.done();
    glove.dispose();
  }
}

function showProgress(bar: ProgressBar, p: GloVeProgress): void {
  if (p.phase === 'vocab') bar.update('vocab', p.fraction, `${duration(p.seconds)}`);
  else if (p.phase === 'cooccur') bar.update('cooccur', p.fraction, `${duration(p.seconds)}`);
  else {
    const cost = Number.isFinite(p.cost) ? `  cost ${p.cost.toFixed(4)}` : '';
    const eta = p.fraction > 0 ? (p.seconds * (1 - p.fraction)) / p.fraction : NaN;
    bar.update(`ep ${p.epoch}/${p.epochs}`, p.fraction, `ETA ${duration(eta)}${cost}`);
  }
}
