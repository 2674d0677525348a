import type { Command } from 'commander';
import { Option } from 'commander';
import { saveVectors } from '../../vectors/save.js';
import type { VectorFormatName } from '../../io/word-vectors/vector-format.js';
import { FORMAT_NAMES } from '../../io/word-vectors/formats.js';
import { FileCorpus } from '../../text/file-corpus.js';
import { Tokenizer } from '../../text/tokenizer.js';
import type { TokenizerOptions } from '../../text/tokenizer-options.js';
import { Word2Vec } from '../../vectors/word2vec/trainer.js';
import type { TrainingProgress } from '../../vectors/word2vec/options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { compact, duration, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

interface TrainOptions {
  input: string[];
  output: string;
  format?: VectorFormatName;
  model: 'skipgram' | 'cbow';
  dim: number;
  window: number;
  negative: number;
  hs: boolean;
  nsExponent: number;
  minCount: number;
  maxVocabSize?: number;
  maxFinalVocab?: number;
  sample: number;
  epochs: number;
  alpha?: number;
  minAlpha: number;
  alphaDecay: 'per-part' | 'global';
  cbowMean: boolean;
  sharedNegatives: boolean;
  threads?: number;
  seed: number;
  loss: boolean;
  lowercase: boolean;
  punctuation: 'drop' | 'keep';
  numbers: 'keep' | 'drop' | 'replace';
  stopWords?: string;
  segmentation: 'auto' | 'whitespace' | 'intl';
  maxSentenceLength: number;
  json: boolean;
  quiet: boolean;
}

/** `embedkit train`: word2vec on text files. */
export function registerTrain(program: Command, globals: () => GlobalOptions): void {
  program
    .command('train')
    .description('train word2vec vectors (skip-gram or CBOW) on text files (plain or .gz, one sentence per line)')
    .requiredOption('-i, --input <files...>', 'corpus files or glob patterns')
    .requiredOption('-o, --output <file>', 'where to write the vectors')
    .addOption(new Option('-f, --format <format>', 'output format (default: from the extension, else ekv)').argParser(oneOf(FORMAT_NAMES)))
    .addOption(
      new Option('-m, --model <model>', 'skipgram (sg) or cbow')
        .default('skipgram')
        .argParser(oneOf(['skipgram', 'cbow'] as const, { sg: 'skipgram' })),
    )
    .option('--dim <n>', 'vector dimension', int(1, 10000), 100)
    .option('--window <n>', 'max context window (each side)', int(1, 1000), 5)
    .option('--negative <n>', 'negative samples per positive (0 = off)', int(0, 1000), 5)
    .option('--hs', 'hierarchical softmax', false)
    .option('--ns-exponent <x>', 'exponent of the noise distribution', float(0, 10), 0.75)
    .option('--min-count <n>', 'drop words seen fewer times', int(1), 5)
    .option('--max-vocab-size <n>', 'bound on distinct words held during the scan (prunes rare words)', int(1))
    .option('--max-final-vocab <n>', 'bound on the final vocabulary', int(1))
    .option('--sample <x>', 'frequent-word subsampling threshold (0 = off)', float(0, 1), 1e-3)
    .option('--epochs <n>', 'passes over the corpus', int(1, 100000), 5)
    .option('--alpha <x>', 'initial learning rate (default 0.025 sg / 0.05 cbow)', float(0, 10))
    .option('--min-alpha <x>', 'final learning rate', float(0, 10), 0.0001)
    .addOption(
      new Option('--alpha-decay <mode>', 'learning-rate progress: per-part (as gensim corpus_file) or global (as word2vec.c)')
        .default('per-part')
        .argParser(oneOf(['per-part', 'global'] as const)),
    )
    .option('--no-cbow-mean', 'CBOW: sum the context vectors instead of averaging them')
    .option('--no-shared-negatives', 'skip-gram: draw negatives per pair (word2vec.c) instead of per window')
    .option('--threads <n>', 'worker threads (default: all cores)', int(1, 1024))
    .option('--seed <n>', 'random seed (with --threads 1 training is bit-for-bit repeatable)', int(), 1)
    .option('--loss', 'compute and report the training loss', false)
    .option('--no-lowercase', 'keep the case of words')
    .addOption(
      new Option('--punctuation <mode>', 'drop or keep punctuation tokens').default('drop').argParser(oneOf(['drop', 'keep'] as const)),
    )
    .addOption(
      new Option('--numbers <mode>', 'keep, drop or replace (with <num>) numbers')
        .default('keep')
        .argParser(oneOf(['keep', 'drop', 'replace'] as const)),
    )
    .option('--stop-words <lists>', 'remove stop words: en, zh, en,zh, or a file with one word per line')
    .addOption(
      new Option('--segmentation <mode>', 'word segmentation: auto, whitespace, intl (Intl.Segmenter for Chinese, Japanese, Thai…)')
        .default('auto')
        .argParser(oneOf(['auto', 'whitespace', 'intl'] as const)),
    )
    .option('--max-sentence-length <n>', 'split longer lines (tokens)', int(1), 10000)
    .option('--json', 'print the result as JSON', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (o: TrainOptions) => {
      const g = globals();
      const bar = new ProgressBar(!o.quiet);
      const signal = abortOnSigint();
      const tokenizer = new Tokenizer(await tokenizerOptions(o));
      const corpus = await FileCorpus.open(o.input);
      const t0 = performance.now();
      const w2v = new Word2Vec({
        model: o.model,
        dim: o.dim,
        window: o.window,
        negative: o.negative,
        hs: o.hs,
        nsExponent: o.nsExponent,
        minCount: o.minCount,
        maxVocabSize: o.maxVocabSize,
        maxFinalVocab: o.maxFinalVocab,
        sample: o.sample,
        epochs: o.epochs,
        alpha: o.alpha,
        minAlpha: o.minAlpha,
        alphaDecay: o.alphaDecay,
        cbowMean: o.cbowMean,
        sharedNegatives: o.sharedNegatives,
        workers: o.threads,
        seed: o.seed,
        computeLoss: o.loss,
        maxSentenceLength: o.maxSentenceLength,
        signal,
        progressInterval: 200,
        onProgress: (p) => showProgress(bar, p),
      });
      try {
        const vocab = await w2v.buildVocab(corpus, tokenizer);
        const training = await w2v.train();
        bar.update('save', 1, o.output, true);
        await saveVectors(w2v.wv, o.output, o.format ? { format: o.format } : {});
        bar.done();
        const seconds = (performance.now() - t0) / 1000;
        const result = {
          output: o.output,
          format: o.format ?? 'auto',
          words: vocab.rawTokens * o.epochs,
          trainedWords: training.words,
          effectiveWords: training.effectiveWords,
          corpusTokens: vocab.rawTokens,
          sentences: vocab.sentences,
          vocabSize: vocab.vocabSize,
          dim: o.dim,
          epochs: o.epochs,
          seconds,
          wordsPerSecond: (vocab.rawTokens * o.epochs) / seconds,
          vocabSeconds: vocab.seconds,
          trainSeconds: training.seconds,
          trainWordsPerSecond: training.wordsPerSecond,
          ...(training.loss !== undefined ? { loss: training.loss } : {}),
        };
        if (o.json || g.json) printJson(result);
        else {
          printLines([
            `trained ${o.model} on ${compact(vocab.rawTokens)} tokens × ${o.epochs} epochs: ${vocab.vocabSize} words × ${o.dim} dims`,
            `vocabulary scan ${vocab.seconds.toFixed(1)} s, training ${training.seconds.toFixed(1)} s (${compact(training.wordsPerSecond)} words/s), total ${seconds.toFixed(1)} s`,
            ...(training.loss !== undefined ? [`final mean loss ${training.loss.toFixed(4)}`] : []),
            `wrote ${o.output}`,
          ]);
        }
      } finally {
        bar.done();
        w2v.dispose();
      }
    });
}

function showProgress(bar: ProgressBar, p: TrainingProgress): void {
  if (p.phase === 'vocab') {
    bar.update('vocab', p.fraction, `${compact(p.wordsDone)} tokens  ${compact(p.wordsPerSecond)} tokens/s  ETA ${duration(p.etaSeconds)}`);
  } else {
    const loss = p.loss !== undefined && Number.isFinite(p.loss) ? `  loss ${p.loss.toFixed(4)}` : '';
    bar.update(
      `ep ${p.epoch}/${p.epochs}`,
      p.fraction,
      `${compact(p.wordsPerSecond)} words/s  alpha ${p.alpha.toFixed(5)}  ETA ${duration(p.etaSeconds)}${loss}`,
    );
  }
}

async function tokenizerOptions(o: TrainOptions): Promise<TokenizerOptions> {
  const t = {
    lowercase: o.lowercase,
    punctuation: o.punctuation,
    numbers: o.numbers,
    segmentation: o.segmentation,
  };
  if (!o.stopWords) return t;
  {
    const lists: ('en' | 'zh')[] = [];
    const extra: string[] = [];
    for (const part of o.stopWords.split(',')) {
      if (part === 'en' || part === 'zh') lists.push(part);
      else {
        const { readFile } = await import('node:fs/promises');
        const text = await readFile(part, 'utf8').catch((e: Error) => {
          throw new Error(`--stop-words: cannot read ${part}: ${e.message}`);
        });
        extra.push(
          ...text
            .split(/\r?\n/)
            .map((w) => w.trim())
            .filter((w) => w && !w.startsWith('#')),
        );
      }
    }
    return { ...t, stopWords: { lists, extra } };
  }
}
