// The flags of `embedkit train` that set library options: word2vec hyper-parameters
// (Word2VecOptions) and tokenizer settings (TokenizerOptions), with the library's defaults.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../errors.js';
import { parseUniversalPosTags, type UniversalPosTag } from '../../text/pos/universal-tags.js';
import { isStopWordListName, type StopWordListName } from '../../text/stopwords/index.js';
import type { StopWordsOption } from '../../text/stop-word-option.js';
import { DEFAULT_TOKENIZER_OPTIONS, type TokenizerOptions } from '../../text/tokenizer-options.js';
import { FASTTEXT_DEFAULTS as FT, type FastTextOptions } from '../../vectors/fasttext/options.js';
import { DEFAULT_ALPHA, WORD2VEC_DEFAULTS as W2V, type Word2VecOptions } from '../../vectors/word2vec/options.js';
import { allValues, type LibraryFlag } from '../library-options.js';
import { float, int, oneOf } from '../parse.js';

/** The trainers of `embedkit train --model`: word2vec's, fastText's subword models, and GloVe. */
export type TrainModel =
  NonNullable<Word2VecOptions['model']> | 'fasttext-skipgram' | 'fasttext-cbow' | 'glove' | 'doc2vec-dbow' | 'doc2vec-dm';
/** The word2vec options, with `model` widened to every trainer of the command. */
export type TrainCommandLibraryOptions = Omit<Word2VecOptions, 'model'> & { model?: TrainModel };

/** Training flags, in --help order. */
export const TRAINING_FLAGS: readonly LibraryFlag<TrainCommandLibraryOptions>[] = [
  {
    key: 'model',
    flags: '-m, --model <model>',
    description: 'skipgram (sg), cbow, fastText subword models fasttext-skipgram, fasttext-cbow, glove, or doc2vec-dbow, doc2vec-dm',
    parse: oneOf(
      allValues<TrainModel>({
        skipgram: true,
        cbow: true,
        'fasttext-skipgram': true,
        'fasttext-cbow': true,
        glove: true,
        'doc2vec-dbow': true,
        'doc2vec-dm': true,
      }),
      {
        sg: 'skipgram',
      },
    ),
    default: W2V.model,
  },
  { key: 'dim', flags: '--dim <n>', description: 'vector dimension', parse: int(1, 10000), default: W2V.dim },
  { key: 'window', flags: '--window <n>', description: 'max context window (each side)', parse: int(1, 1000), default: W2V.window },
  {
    key: 'negative',
    flags: '--negative <n>',
    description: 'negative samples per positive (0 = off)',
    parse: int(0, 1000),
    default: W2V.negative,
  },
  { key: 'hs', flags: '--hs', description: 'hierarchical softmax', default: W2V.hs },
  {
    key: 'nsExponent',
    flags: '--ns-exponent <x>',
    description: `exponent of the noise distribution (the fastText models: ${FT.nsExponent})`,
    parse: float(0, 10),
    default: W2V.nsExponent,
  },
  { key: 'minCount', flags: '--min-count <n>', description: 'drop words seen fewer times', parse: int(1), default: W2V.minCount },
  {
    key: 'maxVocabSize',
    flags: '--max-vocab-size <n>',
    description: 'bound on distinct words held during the scan (prunes rare words)',
    parse: int(1),
  },
  { key: 'maxFinalVocab', flags: '--max-final-vocab <n>', description: 'bound on the final vocabulary', parse: int(1) },
  {
    key: 'sample',
    flags: '--sample <x>',
    description: `frequent-word subsampling threshold (0 = off; the fastText models: ${FT.sample})`,
    parse: float(0, 1),
    default: W2V.sample,
  },
  { key: 'epochs', flags: '--epochs <n>', description: 'passes over the corpus', parse: int(1, 100000), default: W2V.epochs },
  {
    key: 'alpha',
    flags: '--alpha <x>',
    description: `initial learning rate (default ${DEFAULT_ALPHA.skipgram} sg / ${DEFAULT_ALPHA.cbow} cbow; the fastText models ${FT.alpha})`,
    parse: float(0, 10),
  },
  {
    key: 'minAlpha',
    flags: '--min-alpha <x>',
    description: `final learning rate (the fastText models: ${FT.minAlpha})`,
    parse: float(0, 10),
    default: W2V.minAlpha,
  },
  {
    key: 'alphaDecay',
    flags: '--alpha-decay <mode>',
    description:
      'learning-rate progress: per-part (as gensim corpus_file) or global (as word2vec.c; the fastText models default to global)',
    parse: oneOf(allValues<NonNullable<Word2VecOptions['alphaDecay']>>({ 'per-part': true, global: true })),
    default: W2V.alphaDecay,
  },
  {
    key: 'cbowMean',
    flags: '--no-cbow-mean',
    description: 'CBOW: sum the context vectors instead of averaging them',
    default: W2V.cbowMean,
  },
  {
    key: 'sharedNegatives',
    flags: '--no-shared-negatives',
    description: 'skip-gram: draw negatives per pair (word2vec.c) instead of per window',
    default: W2V.sharedNegatives,
  },
  { key: 'workers', flags: '--threads <n>', description: 'worker threads (default: all cores)', parse: int(1, 1024) },
  {
    key: 'seed',
    flags: '--seed <n>',
    description: 'random seed (with --threads 1 training is bit-for-bit repeatable)',
    parse: int(),
    default: W2V.seed,
  },
  { key: 'computeLoss', flags: '--loss', description: 'compute and report the training loss', default: W2V.computeLoss },
];

/** Reads `--stop-words`: list names (en, zh) and files of one word per line (# comments), comma-separated. */
export function parseStopWords(value: string): StopWordsOption {
  const lists: StopWordListName[] = [];
  const extra: string[] = [];
  for (const part of value.split(',')) {
    if (isStopWordListName(part)) {
      lists.push(part);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(part, 'utf8');
    } catch (error) {
      throw new InvalidArgumentError(`cannot read the stop-word file ${part}: ${(error as Error).message}`);
    }
    for (const line of text.split(/\r?\n/)) {
      const word = line.trim();
      if (word && !word.startsWith('#')) extra.push(word);
    }
  }
  return { lists, extra };
}

/** Reads `--keep-pos`: Universal POS tags, comma-separated (case-insensitive). */
export function parseKeepPos(value: string): UniversalPosTag[] {
  try {
    return parseUniversalPosTags(value.split(','), '--keep-pos');
  } catch (error) {
    if (error instanceof UsageError) throw new InvalidArgumentError(error.message.replace(/^--keep-pos: /, ''));
    throw error;
  }
}

const T = DEFAULT_TOKENIZER_OPTIONS;

/** Tokenizer flags, in --help order. */
export const TOKENIZER_FLAGS: readonly LibraryFlag<TokenizerOptions>[] = [
  { key: 'lowercase', flags: '--no-lowercase', description: 'keep the case of words', default: T.lowercase },
  {
    key: 'punctuation',
    flags: '--punctuation <mode>',
    description: 'drop or keep punctuation tokens',
    parse: oneOf(allValues<NonNullable<TokenizerOptions['punctuation']>>({ drop: true, keep: true })),
    default: T.punctuation,
  },
  {
    key: 'numbers',
    flags: '--numbers <mode>',
    description: 'keep, drop or replace (with <num>) numbers',
    parse: oneOf(allValues<NonNullable<TokenizerOptions['numbers']>>({ keep: true, drop: true, replace: true })),
    default: T.numbers,
  },
  {
    key: 'stopWords',
    flags: '--stop-words <lists>',
    description: 'remove stop words: en, zh, en,zh, or a file with one word per line',
    parse: parseStopWords,
  },
  {
    key: 'segmentation',
    flags: '--segmentation <mode>',
    description: 'word segmentation: auto, whitespace, intl (Intl.Segmenter for Chinese, Japanese, Thai…)',
    parse: oneOf(allValues<NonNullable<TokenizerOptions['segmentation']>>({ auto: true, whitespace: true, intl: true })),
    default: T.segmentation,
  },
  {
    key: 'segmenter',
    flags: '--segmenter <name>',
    description: 'Chinese word segmenter: intl (Intl.Segmenter) or jieba (needs the npm package @node-rs/jieba)',
    parse: oneOf(allValues<NonNullable<TokenizerOptions['segmenter']>>({ intl: true, jieba: true })),
    default: T.segmenter,
  },
  {
    key: 'keepPos',
    flags: '--keep-pos <tags>',
    description: 'keep only words with these Universal POS tags, e.g. NOUN,VERB (tags English with wink-nlp, Chinese with jieba)',
    parse: parseKeepPos,
  },
  { key: 'lemma', flags: '--lemma', description: 'replace words by their lemmas (English, wink-nlp): was -> be', default: T.lemma },
];

/** Subword flags of the fastText models (fastText's names). */
export const SUBWORD_FLAGS: readonly LibraryFlag<FastTextOptions>[] = [
  { key: 'minn', flags: '--minn <n>', description: 'fastText: shortest character n-gram', parse: int(0, 1000), default: FT.minn },
  { key: 'maxn', flags: '--maxn <n>', description: 'fastText: longest character n-gram (0 = none)', parse: int(0, 1000), default: FT.maxn },
  { key: 'bucket', flags: '--bucket <n>', description: 'fastText: hash buckets of the n-grams', parse: int(0), default: FT.bucket },
  {
    key: 'eos',
    flags: '--eos',
    description: 'fastText: end every line with the word </s> and subsample by all tokens, as the fastText CLI',
    default: FT.eos,
  },
  {
    key: 'epochLength',
    flags: '--epoch-length <mode>',
    description:
      'fastText: all-tokens (as many in-vocabulary words as the corpus has tokens, rare ones too: the fastText CLI trains on past its last pass) or vocabulary (one pass over the in-vocabulary words)',
    parse: oneOf(allValues<NonNullable<FastTextOptions['epochLength']>>({ vocabulary: true, 'all-tokens': true })),
    default: FT.epochLength,
  },
];

/** Options whose default differs for fastText (alpha 0.05, t 1e-4, noise exponent 0.5, decay to 0, global decay): taken only when given. */
export const FASTTEXT_OWN_DEFAULTS = ['alpha', 'minAlpha', 'alphaDecay', 'sample', 'nsExponent'] as const;

/** Flags after the tokenizer's (kept in this --help position). */
export const SENTENCE_FLAGS: readonly LibraryFlag<Word2VecOptions>[] = [
  {
    key: 'maxSentenceLength',
    flags: '--max-sentence-length <n>',
    description: 'split longer lines (tokens)',
    parse: int(1),
    default: W2V.maxSentenceLength,
  },
];
