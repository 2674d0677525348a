import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { ANALOGY_DEFAULTS, evaluateAnalogies, type AnalogyOptions } from '../../evaluate/analogies.js';
import { evaluateWordPairs, WORD_PAIR_DEFAULTS, type WordPairOptions } from '../../evaluate/word-pairs.js';
import { addLibraryFlags, libraryOptions, type LibraryFlag } from '../library-options.js';
import { loadModel } from '../model-input.js';
import { printJson, printLines, table } from '../output.js';
import { int } from '../parse.js';
import { LIMIT_FLAG } from '../query-flags.js';
import { ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

const ANALOGY_FLAGS: readonly LibraryFlag<AnalogyOptions>[] = [
  {
    key: 'restrictVocab',
    flags: '--restrict-vocab <n>',
    description: "use only the n most frequent words (gensim's default is 300000)",
    parse: int(1),
    default: ANALOGY_DEFAULTS.restrictVocab,
  },
];

const PAIRS_RESTRICT_FLAG: LibraryFlag<WordPairOptions> = {
  key: 'restrictVocab',
  flags: '--restrict-vocab <n>',
  description: 'use only the n most frequent words',
  parse: int(1),
  default: WORD_PAIR_DEFAULTS.restrictVocab,
};

const DUMMY4UNKNOWN_FLAG: LibraryFlag<WordPairOptions> = {
  key: 'dummy4unknown',
  flags: '--dummy4unknown',
  description: 'score pairs with unknown words as 0 instead of skipping them',
  default: WORD_PAIR_DEFAULTS.dummy4unknown,
};

/** `embedkit eval analogy|pairs`. */
export function registerEval(program: Command, globals: () => GlobalOptions): void {
  const ev = program.command('eval').description('evaluate word vectors (word analogies, word-pair similarity)');

  const analogy = ev
    .command('analogy')
    .description('word-analogy accuracy on a questions-words.txt style file (Mikolov et al. 2013), like gensim evaluate_word_analogies')
    .argument('<model>', 'vectors file (any supported format)')
    .argument('[questions]', 'analogy file (": section" lines, then "a b c d")')
    .option('--questions <file>', 'analogy file (same as the positional argument)');
  addLibraryFlags(analogy, ANALOGY_FLAGS);
  analogy.option('--cosmul', 'use 3CosMul instead of 3CosAdd', false).option('--case-sensitive', 'compare words case-sensitively', false);
  addLibraryFlags(analogy, [LIMIT_FLAG]);
  analogy
    .option('--json', 'print JSON {accuracy, correct, total, sections, …}', false)
    .option('-q, --quiet', 'no progress bar', false)
    .action(
      async (
        model: string,
        positional: string | undefined,
        o: { questions?: string; cosmul: boolean; caseSensitive: boolean; json: boolean; quiet: boolean } & Record<string, unknown>,
      ) => {
        const file = positional ?? o.questions;
        if (!file)
          throw new UsageError('eval analogy needs a questions file (e.g. questions-words.txt): embedkit eval analogy MODEL QUESTIONS');
        const { vectors } = await loadModel(model, libraryOptions(o, [LIMIT_FLAG]).limit);
        const bar = new ProgressBar(!o.quiet);
        const r = await evaluateAnalogies(vectors, file, {
          ...libraryOptions(o, ANALOGY_FLAGS),
          method: o.cosmul ? '3cosmul' : '3cosadd',
          caseInsensitive: !o.caseSensitive,
          signal: abortOnSigint(),
          onProgress: (fraction: number) => bar.update('eval', fraction, 'analogy questions'),
        });
        bar.done();
        if (o.json || globals().json) return printJson(r);
        const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
        printLines([
          ...table([
            ['section', 'correct', 'total', 'accuracy'],
            ...r.sections.map((s) => [s.section, s.correct, s.total, pct(s.accuracy)]),
          ]),
          '',
          `semantic ${pct(r.semantic.accuracy)} (${r.semantic.correct}/${r.semantic.total}), syntactic ${pct(r.syntactic.accuracy)} (${r.syntactic.correct}/${r.syntactic.total})`,
          `total accuracy ${pct(r.accuracy)} (${r.correct}/${r.total}); coverage ${pct(r.coverage)} of ${r.questions} questions`,
        ]);
      },
    );

  const pairs = ev
    .command('pairs')
    .description('word-pair similarity (WordSim-353 / SimLex-999 tsv): Pearson, Spearman, OOV ratio, like gensim evaluate_word_pairs')
    .argument('<model>', 'vectors file (any supported format)')
    .argument('[pairs]', 'tab-separated "w1 w2 score" file, # comments')
    .option('--pairs <file>', 'pairs file (same as the positional argument)');
  addLibraryFlags(pairs, [PAIRS_RESTRICT_FLAG]);
  pairs.option('--case-sensitive', 'compare words case-sensitively', false);
  addLibraryFlags(pairs, [DUMMY4UNKNOWN_FLAG]);
  addLibraryFlags(pairs, [LIMIT_FLAG]);
  pairs
    .option('--json', 'print JSON {spearman, pearson, oovRatio, …}', false)
    .action(
      async (
        model: string,
        positional: string | undefined,
        o: { pairs?: string; caseSensitive: boolean; json: boolean } & Record<string, unknown>,
      ) => {
        const file = positional ?? o.pairs;
        if (!file) throw new UsageError('eval pairs needs a word-pairs file (e.g. wordsim353.tsv): embedkit eval pairs MODEL PAIRS');
        const { vectors } = await loadModel(model, libraryOptions(o, [LIMIT_FLAG]).limit);
        const r = await evaluateWordPairs(vectors, file, {
          ...libraryOptions(o, [PAIRS_RESTRICT_FLAG, DUMMY4UNKNOWN_FLAG]),
          caseInsensitive: !o.caseSensitive,
        });
        if (o.json || globals().json) return printJson(r);
        printLines([
          `Spearman ρ ${r.spearman.toFixed(4)}   Pearson r ${r.pearson.toFixed(4)}`,
          `pairs used ${r.pairs}, out of vocabulary ${r.oov} (${r.oovRatio.toFixed(2)}%)`,
        ]);
      },
    );
}
