import { UsageError } from '../../../errors.js';
import { FastTextModel } from '../fasttext-model.js';
import { lineInput, lineTokens } from './line-input.js';
import { predictRows, type Prediction } from './predict.js';
import { quantizeSupervised, type QuantizeOptions } from './quantize.js';
import {
  trainSupervised,
  trainSupervisedAsync,
  type SupervisedInput,
  type SupervisedRunOptions,
  type SupervisedTrainResult,
} from './train.js';
import { SUPERVISED_DEFAULTS, type SupervisedOptions } from './options.js';

export type { Prediction } from './predict.js';

/** Options of {@link FastTextClassifier.predict}. */
export interface PredictOptions {
  /** Labels to return (default 1). */
  k?: number;
  /** Only labels with probability ≥ threshold (default 0). */
  threshold?: number;
}

/** fastText's `test` figures: precision and recall at k over the examples with a known label. */
export interface TestResult {
  examples: number;
  k: number;
  precision: number;
  recall: number;
}

/**
 * fastText's supervised text classifier (Joulin et al. 2017) as an estimator: `fit` on labelled
 * lines (`__label__x words…`), `predict` top-k labels with probabilities, `test` P@k / R@k,
 * `save`/`load` as fastText `.bin` (and `.ftz` models made by `fasttext quantize` load too).
 *
 * ```ts
 * const clf = new FastTextClassifier({ wordNgrams: 2, epoch: 10 }).fit(lines);
 * clf.predict('is this spam', { k: 2 });
 * ```
 */
export class FastTextClassifier {
  private trained: FastTextModel | undefined;
  /** Figures of the last `fit`. */
  lastFit: SupervisedTrainResult | undefined;

  constructor(readonly options: SupervisedOptions = {}) {}

  /** Wraps a loaded or trained supervised model. */
  static fromModel(model: FastTextModel): FastTextClassifier {
    if (model.data.args.model !== 'supervised' || model.data.dictionary.nlabels === 0)
      throw new UsageError(`not a supervised fastText model (model '${model.data.args.model}', ${model.data.dictionary.nlabels} labels)`);
    const c = new FastTextClassifier({ label: labelPrefixOf(model) });
    c.trained = model;
    return c;
  }

  static async load(file: string): Promise<FastTextClassifier> {
    return FastTextClassifier.fromModel(await FastTextModel.load(file));
  }

  static loadSync(file: string): FastTextClassifier {
    return FastTextClassifier.fromModel(FastTextModel.loadSync(file));
  }

  get model(): FastTextModel {
    if (!this.trained) throw new UsageError('the classifier is not trained: call fit() or load a model');
    return this.trained;
  }

  /** Labels, most frequent first. */
  get labels(): readonly string[] {
    return this.model.labels;
  }

  private get labelPrefix(): string {
    return this.options.label ?? SUPERVISED_DEFAULTS.label;
  }

  /**
   * Trains on labelled lines on the calling thread (replacing any previous model); with a seed,
   * bit-for-bit repeatable. `source` names the data in errors.
   */
  fit(lines: Iterable<string>, source?: string): this {
    const { model, result } = trainSupervised(lines, this.options, source);
    this.trained = model;
    this.lastFit = result;
    return this;
  }

  /**
   * Trains on a file (read chunk by chunk) or on lines, on `thread` worker threads (the options'
   * `thread`, default the available cores); `run` adds progress reports and cancellation.
   */
  async fitAsync(
    input: SupervisedInput,
    run: Pick<SupervisedRunOptions, 'onProgress' | 'progressInterval' | 'signal'> = {},
  ): Promise<this> {
    const { model, result } = await trainSupervisedAsync(input, { ...this.options, ...run });
    this.trained = model;
    this.lastFit = result;
    return this;
  }

  /**
   * A quantized copy of this classifier (fastText's `quantize`: product quantization, optional
   * cutoff by norm with retraining on `options.input`); save it as `.ftz`.
   */
  async quantize(options: QuantizeOptions = {}): Promise<FastTextClassifier> {
    const q = await quantizeSupervised(this.model, { label: this.labelPrefix, seed: this.options.seed, ...options });
    const c = FastTextClassifier.fromModel(q);
    return c;
  }

  /** The `k` most probable labels of one text (labels in the text are ignored), best first. */
  predict(text: string, options: PredictOptions = {}): Prediction[] {
    const k = options.k ?? 1;
    const threshold = options.threshold ?? 0;
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be an integer >= 1, got ${k}`);
    if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`threshold must be in [0, 1], got ${threshold}`);
    const { rows } = lineInput(this.model, lineTokens(text), this.labelPrefix);
    return predictRows(this.model, rows, Math.min(k, this.model.data.dictionary.nlabels), threshold);
  }

  /** P@k and R@k on labelled lines (fastText's `test`). */
  test(lines: Iterable<string>, k = 1, threshold = 0): TestResult {
    let examples = 0;
    let gold = 0;
    let predicted = 0;
    let correct = 0;
    for (const line of lines) {
      const { rows, labels } = lineInput(this.model, lineTokens(line), this.labelPrefix);
      if (labels.length === 0 || rows.length === 0) continue;
      const preds = predictRows(this.model, rows, k, threshold);
      const goldNames = new Set(labels.map((l) => this.model.data.dictionary.words[this.model.data.dictionary.nwords + l]));
      examples++;
      gold += goldNames.size;
      predicted += preds.length;
      for (const p of preds) if (goldNames.has(p.label)) correct++;
    }
    return { examples, k, precision: predicted > 0 ? correct / predicted : NaN, recall: gold > 0 ? correct / gold : NaN };
  }

  async save(file: string): Promise<void> {
    await this.model.save(file);
  }
}

/** The label prefix of a loaded model: what its labels share (fastText stores none). */
function labelPrefixOf(model: FastTextModel): string {
  const labels = model.labels;
  return labels.every((l) => l.startsWith(SUPERVISED_DEFAULTS.label)) ? SUPERVISED_DEFAULTS.label : commonPrefix(labels);
}

function commonPrefix(words: readonly string[]): string {
  let p = words[0] ?? '';
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p || SUPERVISED_DEFAULTS.label;
}
