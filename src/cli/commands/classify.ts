import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { HiddenActivation } from '../../learn/activations.js';
import { classificationReport } from '../../evaluate/classification-metrics.js';
import { formatClassificationReport } from '../../evaluate/report-table.js';
import { Classifier, type ClassifierOptions, type TrainProgress } from '../../tasks/classify/classifier.js';
import { crossValidate } from '../../tasks/classify/cross-validate.js';
import { readLabelled, readUnlabelled } from '../../tasks/classify/dataset.js';
import { classifierMethodNames } from '../../tasks/classify/methods.js';
import { addLibraryFlags, allValues, libraryOptions, type LibraryFlag } from '../library-options.js';
import { printJson, printLines } from '../output.js';
import { duration, ProgressBar } from '../progress-bar.js';
import { float, int, oneOf } from '../parse.js';
import { abortOnSigint, type GlobalOptions } from '../run.js';
import { addDpFlags, dpTraining, type DpFlagValues } from './classify-dp.js';

type FolderModality = 'image' | 'audio';

/** Training options, with the library's defaults. */
const TRAIN_FLAGS: readonly LibraryFlag<ClassifierOptions>[] = [
  {
    key: 'method',
    flags: '--method <name>',
    description: `classification method: auto (chosen for the data by cross-validation or a size rule; see docs/tasks.md), ${classifierMethodNames().join(', ')}`,
    parse: (v) => v,
    default: 'auto',
  },
  {
    key: 'encoder',
    flags: '--encoder <name>',
    description: 'encoder whose embeddings are features (required for images/audio; see embedkit encoders)',
    parse: (v) => v,
  },
  {
    key: 'features',
    flags: '--features <kind>',
    description: 'text features: tfidf (word + char n-grams), embedding, both (default: both with --encoder, else tfidf)',
    parse: oneOf(allValues<NonNullable<ClassifierOptions['features']>>({ tfidf: true, embedding: true, both: true })),
  },
  { key: 'C', flags: '--c <x>', description: 'inverse L2 regularisation strength', parse: float(1e-9), default: 4 },
  {
    key: 'classWeight',
    flags: '--class-weight <rule>',
    description: 'balanced: weight classes by n / (K · count)',
    parse: oneOf(['balanced'] as const),
  },
  { key: 'maxIter', flags: '--max-iter <n>', description: 'most L-BFGS iterations', parse: int(1), default: 300 },
  { key: 'hidden', flags: '--hidden <sizes>', description: 'mlp: hidden layer sizes, comma-separated (default 128)', parse: sizes },
  {
    key: 'activation',
    flags: '--activation <name>',
    description: 'mlp: hidden activation (default relu)',
    parse: oneOf(allValues<HiddenActivation>({ relu: true, gelu: true })),
  },
  { key: 'dropout', flags: '--dropout <rate>', description: 'mlp: dropout after each hidden layer (default 0)', parse: float(0, 0.99) },
  { key: 'weightDecay', flags: '--weight-decay <x>', description: 'mlp: AdamW weight decay (default 1e-4)', parse: float(0) },
  {
    key: 'validationFraction',
    flags: '--validation-fraction <x>',
    description: 'mlp: share held out for early stopping (default 0.1)',
    parse: float(0, 0.9),
  },
  { key: 'epochs', flags: '--epochs <n>', description: 'mlp: most epochs (default 200); fasttext: epochs (default 25)', parse: int(1) },
  {
    key: 'learningRate',
    flags: '--learning-rate <x>',
    description: 'mlp: Adam step (default 2e-3); fasttext: SGD rate (default 0.5)',
    parse: float(1e-9),
  },
  { key: 'dim', flags: '--dim <n>', description: 'fasttext: vector dimension (default 50)', parse: int(1, 10000) },
  { key: 'wordNgrams', flags: '--word-ngrams <n>', description: 'fasttext: word n-gram length (default 2)', parse: int(1, 10) },
  { key: 'buckets', flags: '--buckets <n>', description: 'fasttext: hash buckets of word n-grams (default 200000)', parse: int(1) },
  {
    key: 'autoMaxRows',
    flags: '--auto-max-rows <n>',
    description: 'auto: cross-validate the candidates up to this many examples (default 3000)',
    parse: int(0),
  },
];

/** `--hidden 256,128` → [256, 128]. */
function sizes(value: string): number[] {
  const parts = value.split(',').map((p) => int(1, 1 << 16)(p.trim()));
  if (parts.length === 0) throw new InvalidArgumentError('give at least one hidden layer size');
  return parts;
}

const folderOption = () =>
  new Option('--folder-modality <kind>', 'what a DIR input holds (label/file): image or audio')
    .default('image')
    .choices(['image', 'audio']);

/** `embedkit classify train|test|predict`. */
export function registerClassify(program: Command, globals: () => GlobalOptions): void {
  const classify = program
    .command('classify')
    .description('train, test and apply classifiers of texts (fastText format) or labelled image/audio folders');

  const train = classify
    .command('train')
    .description('train a classifier and save it')
    .requiredOption(
      '-i, --input <file|dir>',
      'training data: text lines "__label__X text…" (fastText format), or DIR/label/file for images/audio',
    )
    .requiredOption('-o, --output <model>', 'where to save the model (JSON, written atomically)');
  addLibraryFlags(train, TRAIN_FLAGS);
  addDpFlags(train);
  train
    .addOption(folderOption())
    .option('--folds <n>', 'also report stratified k-fold cross-validation on the training data', int(2, 100))
    .option('--seed <n>', 'seed of the cross-validation folds and of the mlp/fasttext training', int(0), 0)
    .option('--json', 'print JSON {examples, classes, labels, method, selection?, features, seconds, crossValidation?}', false)
    .option('-q, --quiet', 'no progress display', false)
    .action(
      async (
        o: {
          input: string;
          output: string;
          folderModality: FolderModality;
          folds?: number;
          seed: number;
          json: boolean;
          quiet: boolean;
        } & DpFlagValues &
          Record<string, unknown>,
        cmd: Command,
      ) => {
        const dp = dpTraining({ ...o, method: o.method as string }, cmd.getOptionValueSource('seed') === 'cli');
        const bar = new ProgressBar(!o.quiet);
        const options = { ...libraryOptions(o, TRAIN_FLAGS), signal: abortOnSigint(), seed: o.seed, linearFitter: dp?.fitter };
        const data = await readLabelled(o.input, o.folderModality);
        const t0 = performance.now();
        const show = (label: string) => (p: TrainProgress) =>
          bar.update(label, p.fraction, `${p.stage}${p.method ? ` (${p.method})` : ''}  ${duration((performance.now() - t0) / 1000)}`);
        let cv, model;
        try {
          cv = o.folds ? await crossValidate(data, { ...options, folds: o.folds, onProgress: show('cv') }) : undefined;
          model = await Classifier.train(data, { ...options, onProgress: show('train') });
        } finally {
          bar.done();
        }
        await model.save(o.output);
        const summary = {
          examples: data.inputs.length,
          classes: model.labels.length,
          labels: model.labels,
          method: model.method,
          ...(model.selection ? { selection: model.selection } : {}),
          features: model.features,
          seconds: (performance.now() - t0) / 1000,
          ...(cv ? { crossValidation: { folds: cv.folds.length, meanAccuracy: cv.meanAccuracy, meanMacroF1: cv.meanMacroF1 } } : {}),
          ...(dp ? { dp: { ...dp.plan(), featuresPrivate: model.features === 'embedding' } } : {}),
        };
        if (o.json || globals().json) printJson(summary);
        else
          printLines([
            `trained ${model.method} on ${summary.examples} examples, ${summary.classes} classes (${model.features} features) in ${summary.seconds.toFixed(1)} s → ${o.output}`,
            ...(model.selection
              ? [
                  `method chosen by ${model.selection.by}: ${model.selection.reason}` +
                    (model.selection.scores
                      ? ` [${model.selection.scores.map((c) => `${c.method} ${c.macroF1.toFixed(4)}`).join(', ')}]`
                      : ''),
                ]
              : []),
            ...(dp
              ? [
                  `DP-SGD: (ε = ${dp.plan()?.epsilon.toFixed(3)}, δ = ${dp.plan()?.delta.toExponential(2)}) for the weights, noise multiplier ${dp.plan()?.noiseMultiplier.toFixed(3)}, ${dp.plan()?.steps} steps` +
                    (model.features === 'embedding' ? '' : '; the TF-IDF vocabulary in the model is NOT private (see docs/privacy.md)'),
                ]
              : []),
            ...(cv
              ? [`${cv.folds.length}-fold cross-validation: accuracy ${cv.meanAccuracy.toFixed(4)}, macro-F1 ${cv.meanMacroF1.toFixed(4)}`]
              : []),
          ]);
      },
    );

  classify
    .command('test')
    .description('score a model on labelled data: accuracy, macro/micro F1, per-class scores, confusion matrix')
    .argument('<model>', 'a model saved by classify train')
    .argument('<data>', 'labelled text file (fastText format) or DIR/label/file')
    .addOption(folderOption())
    .option('--json', 'print JSON {accuracy, macroF1, microF1, perClass, confusion, labels}', false)
    .action(async (modelFile: string, dataPath: string, o: { folderModality: FolderModality; json: boolean }) => {
      const model = await Classifier.load(modelFile);
      const data = await readLabelled(dataPath, o.folderModality);
      const unknown = data.labels.find((l) => !model.labels.includes(l));
      if (unknown !== undefined)
        throw new UsageError(`${dataPath}: label '${unknown}' is not one of the model's classes (${model.labels.join(', ')})`);
      const predicted = await model.predict(data.inputs, abortOnSigint());
      const report = classificationReport(data.labels, predicted, model.labels);
      if (o.json || globals().json) printJson(report);
      else printLines([formatClassificationReport(report)]);
    });

  classify
    .command('predict')
    .description('predict the labels of texts (lines of a file, or --text) or of the files of a folder')
    .argument('<model>', 'a model saved by classify train')
    .argument('[data]', 'text file (one input per line; __label__ prefixes are ignored) or a folder of files')
    .option('--text <text>', 'classify this text')
    .option('--k <n>', 'labels per input, most probable first', int(1), 1)
    .addOption(folderOption())
    .option('--json', 'print JSON {predictions: [{labels: [{label, probability}]}]}', false)
    .action(
      async (
        modelFile: string,
        dataPath: string | undefined,
        o: { text?: string; k: number; folderModality: FolderModality; json: boolean },
      ) => {
        if ((dataPath === undefined) === (o.text === undefined)) throw new UsageError('give either a data file/folder or --text');
        const model = await Classifier.load(modelFile);
        const inputs = o.text !== undefined ? [o.text] : await readUnlabelled(dataPath as string, o.folderModality);
        const predictions = await model.predictTop(inputs, o.k, abortOnSigint());
        if (o.json || globals().json) printJson({ predictions });
        else printLines(predictions.map((p) => p.labels.map((l) => `__label__${l.label} ${l.probability.toFixed(4)}`).join(' ')));
      },
    );
}
