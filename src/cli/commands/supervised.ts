import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { SUPERVISED_DEFAULTS as S, type SupervisedOptions } from '../../vectors/fasttext/supervised/options.js';
import { FastTextClassifier } from '../../vectors/fasttext/supervised/classifier.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import type { GlobalOptions } from '../run.js';

type Loss = NonNullable<SupervisedOptions['loss']>;

/** fastText's `supervised` flags (same names, with two dashes). */
const SUPERVISED_FLAGS: readonly LibraryFlag<SupervisedOptions>[] = [
  { key: 'dim', flags: '--dim <n>', description: 'vector dimension', parse: int(1, 10000), default: S.dim },
  { key: 'lr', flags: '--lr <x>', description: 'learning rate', parse: float(0, 100), default: S.lr },
  { key: 'epoch', flags: '--epoch <n>', description: 'passes over the data', parse: int(1, 100000), default: S.epoch },
  { key: 'minCount', flags: '--minCount <n>', description: 'minimal number of word occurrences', parse: int(1), default: S.minCount },
  {
    key: 'minCountLabel',
    flags: '--minCountLabel <n>',
    description: 'minimal number of label occurrences',
    parse: int(0),
    default: S.minCountLabel,
  },
  { key: 'wordNgrams', flags: '--wordNgrams <n>', description: 'max length of word n-grams', parse: int(1, 100), default: S.wordNgrams },
  { key: 'minn', flags: '--minn <n>', description: 'min length of char n-grams', parse: int(0, 100), default: S.minn },
  { key: 'maxn', flags: '--maxn <n>', description: 'max length of char n-grams (0 = none)', parse: int(0, 100), default: S.maxn },
  { key: 'bucket', flags: '--bucket <n>', description: 'hash buckets (default 2000000, 0 without n-grams)', parse: int(0) },
  {
    key: 'loss',
    flags: '--loss <loss>',
    description: 'softmax, hs, ova (one-vs-all) or ns',
    parse: oneOf(allValues<Loss>({ softmax: true, hs: true, ova: true, ns: true })),
    default: S.loss,
  },
  { key: 'neg', flags: '--neg <n>', description: 'negatives sampled (loss ns)', parse: int(1, 1000), default: S.neg },
  { key: 'label', flags: '--label <prefix>', description: 'label prefix', parse: (v) => v, default: S.label },
  { key: 'seed', flags: '--seed <n>', description: 'random seed', parse: int(), default: S.seed },
];

/** Lines of a file, or of stdin for `-`. */
function readLines(file: string): string[] {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `embedkit supervised train|predict|test`: fastText's text classifier. */
export function registerSupervised(program: Command, globals: () => GlobalOptions): void {
  const sup = program
    .command('supervised')
    .description('fastText text classification (Joulin et al. 2017): train, predict, test; models are fastText .bin files');

  const train = sup
    .command('train')
    .description('train a classifier on lines of `__label__x words…`')
    .requiredOption('--input <file>', 'training file (one example per line)')
    .requiredOption('--output <file>', 'model file to write (.bin)');
  addLibraryFlags(train, SUPERVISED_FLAGS);
  train
    .option('--json', 'print the result as JSON', false)
    .action((o: { input: string; output: string; json: boolean } & Record<string, unknown>) => {
      const clf = new FastTextClassifier(libraryOptions(o, SUPERVISED_FLAGS)).fit(readLines(o.input), o.input);
      clf.model.saveSync(o.output);
      const r = { output: o.output, ...clf.lastFit! };
      if (o.json || globals().json) return printJson(r);
      printLines([
        `trained on ${r.examples} examples: ${r.words} words, ${r.labels} labels in ${r.seconds.toFixed(2)} s`,
        `wrote ${o.output}`,
      ]);
    });

  sup
    .command('predict')
    .description('most probable labels of each line of FILE (- = stdin), with probabilities')
    .argument('<model>', 'fastText supervised model (.bin or .ftz)')
    .argument('<file>', 'text, one example per line (- = stdin)')
    .option('--k <n>', 'labels per line', int(1), 1)
    .option('--threshold <x>', 'only labels with probability >= x', float(0, 1), 0)
    .option('--json', 'print JSON: {"predictions": [[{"label", "probability"}]]}', false)
    .action((model: string, file: string, o: { k: number; threshold: number; json: boolean }) => {
      const clf = FastTextClassifier.loadSync(model);
      const predictions = readLines(file).map((l) => clf.predict(l, { k: o.k, threshold: o.threshold }));
      if (o.json || globals().json) return printJson({ predictions });
      printLines(predictions.map((ps) => ps.map((p) => `${p.label} ${Number(p.probability.toPrecision(5))}`).join(' ')));
    });

  sup
    .command('test')
    .description('precision and recall at k on labelled lines (fastText test)')
    .argument('<model>', 'fastText supervised model (.bin or .ftz)')
    .argument('<file>', 'labelled lines (- = stdin)')
    .option('--k <n>', 'labels predicted per line', int(1), 1)
    .option('--threshold <x>', 'only labels with probability >= x', float(0, 1), 0)
    .option('--json', 'print JSON: {"examples", "k", "precision", "recall"}', false)
    .action((model: string, file: string, o: { k: number; threshold: number; json: boolean }) => {
      const clf = FastTextClassifier.loadSync(model);
      const r = clf.test(readLines(file), o.k, o.threshold);
      if (r.examples === 0) throw new UsageError(`${file}: no line has a label the model knows`);
      if (o.json || globals().json) return printJson(r);
      printLines([`N\t${r.examples}`, `P@${r.k}\t${r.precision.toFixed(3)}`, `R@${r.k}\t${r.recall.toFixed(3)}`]);
    });
}
