import { FileFormatError, UsageError } from '../../errors.js';
import { loadEncoder } from '../../encode/registry.js';
import type { Modality } from '../../encode/types.js';
import { writeFileAtomic } from '../../io/core/atomic-write.js';
import { readFileBytes } from '../../io/core/read-file.js';
import { chooseMethod, type AutoMethodOptions, type MethodSelection } from './choose-method.js';
import { combineFeatures, type FeatureRows } from './features.js';
import { fitMethod } from './fit-method.js';
import { classifierMethod, type ClassifierMethod, type MethodData, type MethodModel, type MethodOptions } from './methods.js';
import { TfidfNgrams, type TfidfNgramOptions, type TfidfNgramState } from './tfidf-ngrams.js';

/** Inputs with their labels: texts, or file paths of images/audio for an encoder. */
export interface LabelledInputs {
  inputs: readonly string[];
  labels: readonly string[];
  modality: Modality;
}

/** Progress of {@link Classifier.train}: the automatic choice's cross-validation, then the training. */
export interface TrainProgress {
  stage: 'cross-validation' | 'training';
  /** The method being trained (stage 'training'). */
  method?: string;
  /** Share of the stage done, in [0, 1]. */
  fraction: number;
}

/** Options of {@link Classifier.train}. */
export interface ClassifierOptions extends Omit<MethodOptions, 'onProgress'>, AutoMethodOptions {
  /** Called now and then while training (the methods that train on a worker report from there). */
  onProgress?: (p: TrainProgress) => void;
  /**
   * 'auto' (default): chosen for the data by {@link chooseMethod} (cross-validation of logistic,
   * mlp and fasttext on small sets, logistic regression on large ones); or a registered method:
   * 'logistic', 'svm', 'knn', 'mlp', 'fasttext', or one added with registerClassifierMethod.
   */
  method?: string;
  /** A registered encoder whose embeddings are features (required for images and audio). */
  encoder?: string;
  /** Text features: 'tfidf' (word + char n-grams), 'embedding' (the encoder's), 'both'. Default: 'both' with an encoder, else 'tfidf'. */
  features?: 'tfidf' | 'embedding' | 'both';
  tfidf?: TfidfNgramOptions;
  /** Weight of the embedding block next to the unit-norm TF-IDF block. Default 1. */
  embeddingWeight?: number;
}

/** One prediction: the top labels with their probabilities, best first. */
export interface Prediction {
  labels: { label: string; probability: number }[];
}

const FORMAT = 'embedkit-classifier';
const VERSION = 1;
const MAX_MODEL_BYTES = 2 ** 31;

interface ModelFile {
  format: typeof FORMAT;
  version: number;
  method: string;
  modality: Modality;
  labels: string[];
  features: 'tfidf' | 'embedding' | 'both';
  encoder?: string;
  embeddingWeight: number;
  tfidf?: TfidfNgramState;
  model: unknown;
}

/**
 * A classifier of texts, images or audio clips (scikit-learn style: explicit options, train,
 * predict, save/load). Features are TF-IDF word + character n-grams (text), an encoder's
 * embeddings, or both concatenated; the method comes from the method registry, by default chosen
 * for the data ({@link chooseMethod}).
 */
export class Classifier {
  private constructor(
    readonly method: string,
    readonly modality: Modality,
    readonly labels: readonly string[],
    readonly features: 'tfidf' | 'embedding' | 'both',
    readonly encoder: string | undefined,
    readonly embeddingWeight: number,
    readonly tfidf: TfidfNgrams | undefined,
    private readonly model: MethodModel,
    /** How `method: 'auto'` chose the method (absent when the method was given, or after load). */
    readonly selection?: MethodSelection,
  ) {}

  /** Trains on labelled inputs. Needs ≥ 2 classes and a label for every input. */
  static async train(data: LabelledInputs, options: ClassifierOptions = {}): Promise<Classifier> {
    checkLabelled(data);
    const auto = (options.method ?? 'auto') === 'auto';
    let method = auto ? undefined : classifierMethod(options.method as string);
    const features = options.features ?? (options.encoder ? 'both' : 'tfidf');
    if (data.modality !== 'text' && features !== 'embedding' && (options.features !== undefined || !options.encoder))
      throw new UsageError(`${data.modality} classification needs --encoder (features from its embeddings)`);
    const feat = data.modality === 'text' ? features : 'embedding';
    if (feat !== 'tfidf' && !options.encoder) throw new UsageError(`features '${feat}' need an encoder`);
    const labels = [...new Set(data.labels)].sort();
    const index = new Map(labels.map((l, i) => [l, i]));
    const y = Int32Array.from(data.labels, (l) => index.get(l) as number);
    const usesFeatures = method?.usesFeatures ?? true;
    let tfidf: TfidfNgrams | undefined;
    if (usesFeatures && feat !== 'embedding') tfidf = new TfidfNgrams(options.tfidf).fit(data.inputs);
    const weight = options.embeddingWeight ?? 1;
    const setup: FeatureSetup = { modality: data.modality, features: feat, encoder: options.encoder, embeddingWeight: weight, tfidf };
    const methodData = await methodDataOf(setup, data.inputs, usesFeatures, options.signal);
    const { onProgress, ...methodOptions } = options;
    const selection = auto
      ? await chooseMethod(methodData, y, labels.length, {
          ...methodOptions,
          onProgress: onProgress && ((fraction: number) => onProgress({ stage: 'cross-validation', fraction })),
        })
      : undefined;
    if (selection) method = classifierMethod(selection.method);
    const chosen = method as ClassifierMethod;
    const model = await fitMethod(chosen, methodData, y, labels.length, {
      ...methodOptions,
      onProgress: onProgress && ((fraction: number) => onProgress({ stage: 'training', method: chosen.name, fraction })),
    });
    return new Classifier(
      chosen.name,
      data.modality,
      labels,
      feat,
      options.encoder,
      weight,
      chosen.usesFeatures ? tfidf : undefined,
      model,
      selection,
    );
  }

  /** Class probabilities, rows × labels.length. */
  async predictProba(inputs: readonly string[], signal?: AbortSignal): Promise<Float64Array> {
    if (inputs.length === 0) return new Float64Array(0);
    const method = classifierMethod(this.method);
    return this.model.probabilities(await methodDataOf(this, inputs, method.usesFeatures, signal));
  }

  /** The most probable label of each input. */
  async predict(inputs: readonly string[], signal?: AbortSignal): Promise<string[]> {
    return (await this.predictTop(inputs, 1, signal)).map((p) => p.labels[0].label);
  }

  /** The `k` most probable labels of each input. */
  async predictTop(inputs: readonly string[], k: number, signal?: AbortSignal): Promise<Prediction[]> {
    if (!(Number.isInteger(k) && k >= 1)) throw new UsageError(`k must be an integer ≥ 1, got ${k}`);
    const K = this.labels.length;
    const p = await this.predictProba(inputs, signal);
    return inputs.map((_, i) => {
      const order = Array.from({ length: K }, (_, c) => c).sort((a, b) => p[i * K + b] - p[i * K + a] || a - b);
      return { labels: order.slice(0, Math.min(k, K)).map((c) => ({ label: this.labels[c], probability: p[i * K + c] })) };
    });
  }

  /** Writes the model as JSON, atomically. */
  async save(file: string): Promise<void> {
    const m: ModelFile = {
      format: FORMAT,
      version: VERSION,
      method: this.method,
      modality: this.modality,
      labels: [...this.labels],
      features: this.features,
      ...(this.encoder ? { encoder: this.encoder } : {}),
      embeddingWeight: this.embeddingWeight,
      ...(this.tfidf ? { tfidf: this.tfidf.state() } : {}),
      model: this.model.state(),
    };
    await writeFileAtomic(file, JSON.stringify(m));
  }

  /** Reads a model written by {@link save}, validating every field. */
  static async load(file: string): Promise<Classifier> {
    let text: string;
    const bytes = await readFileBytes(file);
    if (bytes.length > MAX_MODEL_BYTES) throw new FileFormatError(file, 'is larger than 2 GiB: not a classifier model');
    if (bytes.length === 0) throw new FileFormatError(file, 'is empty, not a classifier model');
    try {
      text = bytes.toString('utf8');
    } catch {
      throw new FileFormatError(file, 'is not UTF-8 JSON');
    }
    let m: Partial<ModelFile>;
    try {
      m = JSON.parse(text) as Partial<ModelFile>;
    } catch {
      throw new FileFormatError(file, 'is not a classifier model (not JSON)');
    }
    if (!m || typeof m !== 'object' || m.format !== FORMAT)
      throw new FileFormatError(file, `is not a classifier model (no "format": "${FORMAT}")`);
    if (m.version !== VERSION)
      throw new FileFormatError(file, `has model version ${String(m.version)}; this embedkit reads version ${VERSION}`);
    if (
      !Array.isArray(m.labels) ||
      m.labels.length < 2 ||
      !m.labels.every((l) => typeof l === 'string') ||
      new Set(m.labels).size !== m.labels.length
    )
      throw new FileFormatError(file, 'labels must be ≥ 2 distinct strings');
    if (m.modality !== 'text' && m.modality !== 'image' && m.modality !== 'audio')
      throw new FileFormatError(file, `unknown modality ${String(m.modality)}`);
    if (m.features !== 'tfidf' && m.features !== 'embedding' && m.features !== 'both')
      throw new FileFormatError(file, `unknown features ${String(m.features)}`);
    if (m.features !== 'tfidf' && typeof m.encoder !== 'string')
      throw new FileFormatError(file, `features '${m.features}' need an encoder name`);
    if (typeof m.embeddingWeight !== 'number' || !Number.isFinite(m.embeddingWeight))
      throw new FileFormatError(file, 'embeddingWeight must be a number');
    if (typeof m.method !== 'string') throw new FileFormatError(file, 'method must be a string');
    let method;
    try {
      method = classifierMethod(m.method);
    } catch {
      throw new FileFormatError(file, `uses the classifier method '${m.method}', which is not registered`);
    }
    const tfidf = m.tfidf !== undefined ? TfidfNgrams.fromState(m.tfidf, file) : undefined;
    if (method.usesFeatures && m.features !== 'embedding' && !tfidf)
      throw new FileFormatError(file, 'has no TF-IDF state for its features');
    const model = method.load(m.model, m.labels.length, file);
    return new Classifier(m.method, m.modality, m.labels, m.features, m.encoder, m.embeddingWeight, tfidf, model);
  }
}

/** How inputs become features: what {@link methodDataOf} needs. */
interface FeatureSetup {
  modality: Modality;
  features: 'tfidf' | 'embedding' | 'both';
  encoder: string | undefined;
  embeddingWeight: number;
  tfidf: TfidfNgrams | undefined;
}

/** The features (and texts) of `inputs` for a method. */
async function methodDataOf(
  setup: FeatureSetup,
  inputs: readonly string[],
  usesFeatures: boolean,
  signal?: AbortSignal,
): Promise<MethodData> {
  const texts = setup.modality === 'text' ? inputs : undefined;
  if (!usesFeatures) return { features: { rows: inputs.length, sparseDim: 0, denseDim: 0 }, texts };
  const sparse = setup.features !== 'embedding' && setup.tfidf ? setup.tfidf.transform(inputs) : undefined;
  let dense: { dim: number; data: Float32Array } | undefined;
  if (setup.features !== 'tfidf') {
    const encoder = await loadEncoder(setup.encoder as string);
    try {
      const e = await encoder.embed(inputs, { normalize: true, signal });
      if (e.errors.length > 0) throw new UsageError(`encoder ${encoder.name} failed on input ${e.errors[0].index}: ${e.errors[0].message}`);
      if (setup.embeddingWeight !== 1) for (let i = 0; i < e.data.length; i++) e.data[i] *= setup.embeddingWeight;
      dense = { dim: e.dim, data: e.data };
    } finally {
      await encoder.dispose?.();
    }
  }
  return { features: combineFeatures(inputs.length, sparse, dense) as FeatureRows, texts };
}

/** Checks labelled inputs: non-empty, one label per input, no empty label, ≥ 2 classes. */
export function checkLabelled(data: LabelledInputs): void {
  if (data.inputs.length === 0) throw new UsageError('no labelled examples (the dataset is empty)');
  if (data.inputs.length !== data.labels.length) throw new UsageError(`${data.inputs.length} inputs but ${data.labels.length} labels`);
  const missing = data.labels.findIndex((l) => typeof l !== 'string' || l === '');
  if (missing >= 0) throw new UsageError(`example ${missing} has no label`);
  const classes = new Set(data.labels);
  if (classes.size < 2) throw new UsageError(`need at least 2 classes to train a classifier, the data has only '${[...classes][0]}'`);
}
