import { createIndex } from '../../ann/index.js';
import { FileFormatError, UsageError } from '../../errors.js';
import type { HiddenActivation } from '../../learn/activations.js';
import type { FeatureRows } from './features.js';
import { featureDim, linearScores } from './features.js';
import { fastTextMethod } from './fasttext-method.js';
import { balancedClassWeights, fitLinear, softmaxRows, type LinearFitter, type LinearLoss } from './linear-model.js';
import { mlpMethod } from './mlp-method.js';

/** What a classification method is trained on: feature rows and, for methods that want them, the raw texts. */
export interface MethodData {
  features: FeatureRows;
  texts?: readonly string[];
}

/** Options every method receives. */
export interface MethodOptions {
  /** Inverse regularisation strength. Default 4 (tuned on text sets; see docs/classify.md). */
  C?: number;
  /** 'balanced': weight classes by n / (K · count). Default: equal weights. */
  classWeight?: 'balanced';
  maxIter?: number;
  /** knn: neighbours that vote. Default 5. */
  neighbors?: number;
  /** mlp: sizes of the hidden layers. Default [128]. */
  hidden?: number[];
  /** mlp: activation of the hidden layers. Default 'relu'. */
  activation?: HiddenActivation;
  /** mlp: dropout rate after each hidden layer while training. Default 0. */
  dropout?: number;
  /** mlp: decoupled weight decay (AdamW's L2 term). Default 1e-4. */
  weightDecay?: number;
  /** mlp: share of the rows held out for early stopping. Default 0.1. */
  validationFraction?: number;
  /** mlp: the most epochs (early stopping ends sooner; default 200); fasttext: the epochs (default 25). */
  epochs?: number;
  /** mlp: Adam step (default 2e-3); fasttext: the initial SGD rate, decayed to 0 (default 0.5). */
  learningRate?: number;
  /** fasttext: dimension of the word vectors. Default 50. */
  dim?: number;
  /** fasttext: word n-grams up to this length (hashed). Default 2. */
  wordNgrams?: number;
  /** fasttext: hash buckets of the word n-grams. Default 200 000. */
  buckets?: number;
  seed?: number;
  signal?: AbortSignal;
  /**
   * logistic, svm: fits the weights instead of L-BFGS (e.g. DP-SGD: see docs/privacy.md). A function
   * cannot cross to a worker, so with a fitter the method trains on the calling thread.
   */
  linearFitter?: LinearFitter;
  /** Share of the training done, in [0, 1], called now and then while a method trains. */
  onProgress?: (fraction: number) => void;
}

/** A trained method: class probabilities (rows × K) for data, and a JSON-able state for the model file. */
export interface MethodModel {
  probabilities(data: MethodData): Float64Array;
  state(): unknown;
}

/**
 * A classification method. Built in: 'logistic' (multinomial logistic regression, L2, L-BFGS),
 * 'svm' (one-vs-rest linear SVM, squared hinge, L2, L-BFGS), 'knn' (nearest neighbours in a
 * VectorIndex, embedding features), 'mlp' (multilayer perceptron, mlp-method.ts) and 'fasttext'
 * (fastText's supervised classifier on the texts, fasttext-method.ts). Other methods plug in with
 * {@link registerClassifierMethod}; a method with `usesFeatures: false` gets no TF-IDF/embedding
 * features computed for it.
 */
export interface ClassifierMethod {
  name: string;
  description: string;
  usesFeatures: boolean;
  /**
   * Train on a worker thread (see fit-method.ts) so the event loop stays free: the method must be
   * registered when methods.ts is loaded (a worker registers the built-in methods only) and its
   * `state()` must rebuild the same model through `load`. Default false: `fit` runs on the calling
   * thread (it should then not block for long, e.g. by training on its own workers).
   */
  offThread?: boolean;
  fit(data: MethodData, y: Int32Array, K: number, options: MethodOptions): MethodModel | Promise<MethodModel>;
  /** Restores a model from its state; `file` names the model file in errors. */
  load(state: unknown, K: number, file: string): MethodModel;
}

/** The linear methods' state: weights (D + 1) × K as a base64 Float32 array. */
interface LinearState {
  dim: number;
  weights: string;
}

function linearMethod(name: string, loss: LinearLoss, description: string): ClassifierMethod {
  const model = (w: Float64Array | Float32Array, K: number, dim: number): MethodModel => ({
    probabilities: ({ features }) => {
      if (featureDim(features) !== dim) throw new UsageError(`the model expects ${dim} features, got ${featureDim(features)}`);
      return softmaxRows(linearScores(features, w, K), K);
    },
    state: (): LinearState => ({ dim, weights: Buffer.from(Float32Array.from(w).buffer).toString('base64') }),
  });
  return {
    name,
    description,
    usesFeatures: true,
    offThread: true,
    fit({ features }, y, K, options) {
      const classWeights = options.classWeight === 'balanced' ? balancedClassWeights(y, K) : undefined;
      const w = (options.linearFitter ?? fitLinear)(features, y, K, {
        loss,
        C: options.C ?? 4,
        classWeights,
        maxIter: options.maxIter,
        signal: options.signal,
        onProgress: options.onProgress,
      });
      return model(w, K, featureDim(features));
    },
    load(state, K, file) {
      const s = state as Partial<LinearState> | null;
      if (!s || typeof s.dim !== 'number' || !Number.isInteger(s.dim) || s.dim < 1 || typeof s.weights !== 'string')
        throw new FileFormatError(file, `${name} state must have an integer dim ≥ 1 and base64 weights`);
      const bytes = Buffer.from(s.weights, 'base64');
      const expected = (s.dim + 1) * K * 4;
      if (bytes.length !== expected)
        throw new FileFormatError(
          file,
          `${name} weights hold ${bytes.length} bytes, expected ${expected} for ${s.dim} features × ${K} classes`,
        );
      const w = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      if (!w.every(Number.isFinite)) throw new FileFormatError(file, `${name} weights hold a non-finite value`);
      return model(w, K, s.dim);
    },
  };
}

const methods = new Map<string, ClassifierMethod>();

/** Adds a classification method (`replace` to override one of the same name). */
export function registerClassifierMethod(method: ClassifierMethod, options: { replace?: boolean } = {}): void {
  if (methods.has(method.name) && !options.replace) throw new UsageError(`classifier method '${method.name}' is already registered`);
  methods.set(method.name, method);
}

/** The registered method `name`. */
export function classifierMethod(name: string): ClassifierMethod {
  const m = methods.get(name);
  if (!m) throw new UsageError(`unknown classifier method '${name}' (known: ${[...methods.keys()].join(', ')})`);
  return m;
}

/** Names of the registered methods. */
export function classifierMethodNames(): string[] {
  return [...methods.keys()];
}

registerClassifierMethod(linearMethod('logistic', 'logistic', 'multinomial logistic regression (L2, L-BFGS); calibrated probabilities'));
registerClassifierMethod(
  linearMethod('svm', 'squared-hinge', 'one-vs-rest linear SVM (squared hinge, L2, L-BFGS); softmax of the margins as scores'),
);

/** The kNN method's state: the training rows (base64 Float32, rows × dim), their classes and k. */
interface KnnState {
  k: number;
  dim: number;
  classes: number[];
  rows: string;
}

function knnModel(data: Float32Array, dim: number, classes: Int32Array, k: number, K: number): MethodModel {
  const index = createIndex({ type: 'flat', metric: 'cosine', dim, capacity: classes.length });
  index.addSync(
    Array.from({ length: classes.length }, (_, i) => i),
    { rows: classes.length, dim, data },
  );
  const kk = Math.min(k, classes.length);
  return {
    probabilities: ({ features }) => {
      if (!features.dense || features.sparseDim > 0 || features.denseDim !== dim)
        throw new UsageError(`knn needs ${dim}-d embedding features only (features: 'embedding')`);
      const hits = index.searchBatchSync({ rows: features.rows, dim, data: features.dense }, kk, { withMetadata: false });
      const out = new Float64Array(features.rows * K);
      hits.forEach((list, q) => {
        for (const h of list) out[q * K + classes[h.id as number]] += 1 / list.length;
      });
      return out;
    },
    state: (): KnnState => ({
      k,
      dim,
      classes: [...classes],
      rows: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    }),
  };
}

registerClassifierMethod({
  name: 'knn',
  description: 'k nearest neighbours by cosine similarity in an exact VectorIndex (embedding features only); vote shares as probabilities',
  usesFeatures: true,
  fit({ features }, y, K, options) {
    if (!features.dense || features.sparseDim > 0)
      throw new UsageError("knn needs embedding features only: give an encoder and features: 'embedding'");
    return knnModel(Float32Array.from(features.dense), features.denseDim, y, options.neighbors ?? 5, K);
  },
  load(state, K, file) {
    const s = state as Partial<KnnState> | null;
    if (
      !s ||
      !Number.isInteger(s.k) ||
      !Number.isInteger(s.dim) ||
      (s.dim as number) < 1 ||
      !Array.isArray(s.classes) ||
      typeof s.rows !== 'string'
    )
      throw new FileFormatError(file, 'knn state must have integer k and dim, classes and base64 rows');
    const bytes = Buffer.from(s.rows, 'base64');
    const n = s.classes.length;
    if (bytes.length !== n * (s.dim as number) * 4)
      throw new FileFormatError(file, `knn rows hold ${bytes.length} bytes, expected ${n} × ${s.dim} floats`);
    if (!s.classes.every((c) => Number.isInteger(c) && c >= 0 && c < K))
      throw new FileFormatError(file, `knn classes must be integers in 0 … ${K - 1}`);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return knnModel(data, s.dim as number, Int32Array.from(s.classes), s.k as number, K);
  },
});

registerClassifierMethod(mlpMethod);
registerClassifierMethod(fastTextMethod);
