import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { SUPERVISED_DEFAULTS as S, type SupervisedOptions } from '../../vectors/fasttext/supervised/options.js';
import { FastTextClassifier } from '../../vectors/fasttext/supervised/classifier.js';
import type { QuantizeOptions } from '../../vectors/fasttext/supervised/quantize.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { float, int, oneOf } from '../parse.js';
import { compact, duration, ProgressBar } from '../progress-bar.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';

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
  { key: 'thread', flags: '--thread <n>', description: 'worker threads (default: the available cores)', parse: int(1, 1024) },
];

/** fastText's `quantize` flags (same names, with two dashes). */
const QUANTIZE_FLAGS: readonly LibraryFlag<QuantizeOptions>[] = [
  { key: 'dsub', flags: '--dsub <n>', description: 'dimensions per sub-quantizer', parse: int(1, 1000), default: 2 },
  { key: 'qnorm', flags: '--qnorm', description: 'quantize the norms apart', default: false },
  { key: 'qout', flags: '--qout', description: 'quantize the output matrix too (needs >= 256 labels)', default: false },
  { key: 'cutoff', flags: '--cutoff <n>', description: 'keep the n input rows of largest norm (0 = all)', parse: int(0), default: 0 },
  { key: 'retrain', flags: '--retrain', description: 'fine-tune the kept rows on --input after the cutoff', default: false },
  { key: 'epoch', flags: '--epoch <n>', description: 'retraining epochs', parse: int(1, 100000), default: 5 },
  { key: 'lr', flags: '--lr <x>', description: 'retraining learning rate', parse: float(0, 100), default: 0.05 },
  { key: 'thread', flags: '--thread <n>', description: 'retraining threads (default: the available cores)', parse: int(1, 1024) },
  { key: 'seed', flags: '--seed <n>', description: 'random seed', parse: int(), default: S.seed },
];

/** Lines of a file, or of stdin for `-`. */
function readLines(file: string): string[] {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `embedkit supervised train|predict|test|quantize`: fastText's text classifier. */
export function registerSupervised(program: Command, globals: () => GlobalOptions): void {
  const sup = program
    .command('supervised')
    .description('fastText text classification (Joulin et al. 2017): train, predict, test, quantize; models are fastText .bin/.ftz files');

  const train = sup
    .command('train')
    .description('train a classifier on lines of `__label__x words…`')
    .requiredOption('--input <file>', 'training file (one example per line)')
    .requiredOption('--output <file>', 'model file to write (.bin)');
  addLibraryFlags(train, SUPERVISED_FLAGS);
  train
    .option('--json', 'print the result as JSON', false)
    .option('-q, --quiet', 'no progress display', false)
    .action(async (o: { input: string; output: string; json: boolean; quiet: boolean } & Record<string, unknown>) => {
      const bar = new ProgressBar(!o.quiet);
      const clf = await new FastTextClassifier(libraryOptions(o, SUPERVISED_FLAGS)).fitAsync(o.input, {
        signal: abortOnSigint(),
        progressInterval: 200,
        onProgress: (p) =>
          bar.update(
            'train',
            p.fraction,
            `loss ${p.loss.toFixed(4)}  ${duration(p.seconds)} / eta ${duration(p.fraction > 0 ? (p.seconds * (1 - p.fraction)) / p.fraction : NaN)}`,
          ),
      });
      bar.done();
      await clf.save(o.output);
      const r = { output: o.output, ...clf.lastFit! };
      if (o.json || globals().json) return printJson(r);
      printLines([
        `trained on ${compact(r.examples)} examples: ${r.words} words, ${r.labels} labels in ${r.seconds.toFixed(2)} s (${r.threads} threads, loss ${r.loss.toFixed(4)})`,
        `wrote ${o.output}`,
      ]);
    });

  const quantize = sup
    .command('quantize')
    .description('compress a model to .ftz (fastText quantize: product quantization, cutoff by norm, retraining)')
    .argument('<model>', 'fastText supervised model (.bin)')
    .requiredOption('--output <file>', 'quantized model to write (.ftz)')
    .option('--input <file>', 'training data (needed by --retrain)');
  addLibraryFlags(quantize, QUANTIZE_FLAGS);
  quantize
    .option('--json', 'print the result as JSON', false)
    .action(async (model: string, o: { output: string; input?: string; json: boolean } & Record<string, unknown>) => {
      const options = libraryOptions(o, QUANTIZE_FLAGS);
      if (options.retrain && o.input === undefined) throw new UsageError('--retrain needs --input (the training data)');
      const t0 = performance.now();
      const clf = await FastTextClassifier.load(model);
      const q = await clf.quantize({ ...options, ...(o.input !== undefined ? { input: o.input } : {}), signal: abortOnSigint() });
      await q.save(o.output);
      const { size } = await stat(o.output);
      const r = { output: o.output, bytes: size, rows: q.model.data.input.rows, seconds: (performance.now() - t0) / 1000 };
      if (o.json || globals().json) return printJson(r);
      printLines([`wrote ${o.output}: ${compact(size)} bytes, ${r.rows} input rows in ${r.seconds.toFixed(2)} s`]);
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
