// `embedkit train --model doc2vec-dbow|doc2vec-dm`: Doc2Vec's own flags, the word2vec flags it
// shares (others are refused), and the run itself. The output is a Doc2Vec model file (.d2v).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import type { Tokenizer } from '../../text/tokenizer.js';
import { readTaggedDocuments, type DocumentFormat } from '../../vectors/doc2vec/documents.js';
import { DOC2VEC_DEFAULTS, type Doc2VecOptions } from '../../vectors/doc2vec/options.js';
import { Doc2Vec } from '../../vectors/doc2vec/trainer.js';
import type { TrainingProgress, Word2VecOptions } from '../../vectors/word2vec/options.js';
import { allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { oneOf } from '../parse.js';
import { compact, duration, type ProgressBar } from '../progress-bar.js';
import { SENTENCE_FLAGS, TRAINING_FLAGS } from './train-flags.js';

/** Options of the Doc2Vec flags: the trainer's plus how the input files are read. */
type Doc2VecFlagOptions = Pick<Doc2VecOptions, 'dbowWords'> & { docFormat?: DocumentFormat | 'auto' };

/** Doc2Vec-only flags, in --help order. */
export const DOC2VEC_FLAGS: readonly LibraryFlag<Doc2VecFlagOptions>[] = [
  {
    key: 'dbowWords',
    flags: '--dbow-words',
    description: 'doc2vec-dbow: also train word vectors by skip-gram (gensim dbow_words)',
    default: DOC2VEC_DEFAULTS.dbowWords,
  },
  {
    key: 'docFormat',
    flags: '--doc-format <format>',
    description:
      'doc2vec: one document per line as plain text (tag = document number), TAGS<TAB>TEXT (tagged), or JSON Lines {"tags","text"}; auto = jsonl for *.jsonl',
    parse: oneOf(allValues<DocumentFormat | 'auto'>({ auto: true, lines: true, tagged: true, jsonl: true })),
    default: 'auto',
  },
];

/** word2vec flags that Doc2Vec shares (same meaning); the others are refused. */
const SHARED: ReadonlySet<keyof Word2VecOptions> = new Set([
  'dim',
  'window',
  'negative',
  'hs',
  'nsExponent',
  'minCount',
  'sample',
  'epochs',
  'alpha',
  'minAlpha',
  'alphaDecay',
  'workers',
  'seed',
]);

const attribute = (flags: string): string => {
  const long = /--(?:no-)?([a-z-]+)/.exec(flags)![1];
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
};

/** The Doc2Vec options of a parsed `train` command line; UsageError for flags Doc2Vec does not use. */
export function doc2vecOptions(o: Record<string, unknown>, command: Command, model: 'dbow' | 'dm'): Doc2VecOptions {
  const out: Doc2VecOptions = { model, dbowWords: libraryOptions(o, DOC2VEC_FLAGS).dbowWords };
  if (out.dbowWords && model !== 'dbow') throw new UsageError('--dbow-words applies to --model doc2vec-dbow only');
  for (const flag of [...TRAINING_FLAGS, ...SENTENCE_FLAGS] as readonly LibraryFlag<Word2VecOptions>[]) {
    if (flag.key === 'model') continue;
    const attr = attribute(flag.flags);
    const fromCli = command.getOptionValueSource(attr) === 'cli';
    const option = flag.flags.split(' ')[0].replace(/,$/, '');
    if (flag.key === 'cbowMean') {
      // PV-DM's input is CBOW's: --no-cbow-mean sums it (gensim dm_mean=0)
      if (fromCli && model !== 'dm') throw new UsageError(`${option} applies to --model doc2vec-dm only`);
      if (fromCli) out.dmMean = o[attr] as boolean;
      continue;
    }
    if (!SHARED.has(flag.key)) {
      if (fromCli) throw new UsageError(`${option} is a word2vec option; --model doc2vec-${model} does not use it`);
      continue;
    }
    // Doc2Vec's own defaults (gensim's: 10 epochs, global decay) unless given
    if ((flag.key === 'epochs' || flag.key === 'alphaDecay') && !fromCli) continue;
    if (o[attr] !== undefined) (out as Record<string, unknown>)[flag.key] = o[attr];
  }
  return out;
}

/** Reads the documents, trains Doc2Vec and saves the model; prints the result like the word2vec path. */
export async function runDoc2Vec(
  run: {
    input: string[];
    tokenizer: Tokenizer;
    tokenizerOptions: TokenizerOptions;
    docFormat: DocumentFormat | 'auto';
    output: string;
    json: boolean;
    bar: ProgressBar;
    signal: AbortSignal;
  },
  options: Doc2VecOptions,
): Promise<void> {
  const t0 = performance.now();
  run.bar.update('read', 0, run.input.join(' '));
  const docs = await readTaggedDocuments(run.input, run.tokenizer, { format: run.docFormat, signal: run.signal });
  const d2v = new Doc2Vec({ ...options, signal: run.signal, progressInterval: 200, onProgress: (p) => showProgress(run.bar, p) });
  const { dim, epochs, model } = d2v.options;
  try {
    const summary = await d2v.buildVocab(docs, run.tokenizerOptions);
    const readSeconds = (performance.now() - t0) / 1000;
    const training = await d2v.train();
    run.bar.update('save', 1, run.output, true);
    await d2v.model.save(run.output);
    run.bar.done();
    const seconds = (performance.now() - t0) / 1000;
    const result = {
      output: run.output,
      model: `doc2vec-${model}`,
      documents: summary.documents,
      tags: summary.tags,
      corpusTokens: summary.rawTokens,
      vocabSize: summary.vocabSize,
      untrainedDocuments: summary.untrainedDocuments,
      dim,
      epochs,
      seconds,
      readSeconds,
      trainSeconds: training.seconds,
      trainWordsPerSecond: training.wordsPerSecond,
    };
    if (run.json) printJson(result);
    else
      printLines([
        `trained doc2vec-${model} on ${summary.documents} documents (${compact(summary.rawTokens)} tokens) × ${epochs} epochs: ${summary.tags} tags, ${summary.vocabSize} words × ${dim} dims`,
        ...(summary.untrainedDocuments > 0
          ? [`${summary.untrainedDocuments} documents have no word in the vocabulary (their vectors are untrained)`]
          : []),
        `reading ${readSeconds.toFixed(1)} s, training ${training.seconds.toFixed(1)} s (${compact(training.wordsPerSecond)} words/s), total ${seconds.toFixed(1)} s`,
        `wrote ${run.output}`,
      ]);
  } finally {
    run.bar.done();
  }
}

function showProgress(bar: ProgressBar, p: TrainingProgress): void {
  bar.update(
    `ep ${p.epoch}/${p.epochs}`,
    p.fraction,
    `${compact(p.wordsPerSecond)} words/s  alpha ${p.alpha.toFixed(5)}  ETA ${duration(p.etaSeconds)}`,
  );
}
