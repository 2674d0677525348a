import { FileFormatError, UsageError } from '../../errors.js';
import type { FeatureRows } from './features.js';
import { featureDim, linearScores } from './features.js';
import { balancedClassWeights, fitLinear, softmaxRows, type LinearLoss } from './linear-model.js';

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
  seed?: number;
  signal?: AbortSignal;
}

/** A trained method: class probabilities (rows × K) for data, and a JSON-able state for the model file. */
export interface MethodModel {
  probabilities(data: MethodData): Float64Array;
  state(): unknown;
}

/**
 * A classification method. Built in: 'logistic' (multinomial logistic regression, L2, L-BFGS) and
 * 'svm' (one-vs-rest linear SVM, squared hinge, L2, L-BFGS). Other methods (e.g. a fastText-style
 * supervised trainer working on `texts`) plug in with {@link registerClassifierMethod}; a method
 * with `usesFeatures: false` gets no TF-IDF/embedding features computed for it.
 */
export interface ClassifierMethod {
  name: string;
  description: string;
  usesFeatures: boolean;
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
    fit({ features }, y, K, options) {
      const classWeights = options.classWeight === 'balanced' ? balancedClassWeights(y, K) : undefined;
      const w = fitLinear(features, y, K, { loss, C: options.C ?? 4, classWeights, maxIter: options.maxIter, signal: options.signal });
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
