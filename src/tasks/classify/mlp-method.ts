import { FileFormatError, UsageError } from '../../errors.js';
import { HIDDEN_ACTIVATIONS, type HiddenActivation } from '../../learn/activations.js';
import { featureDim } from '../../learn/feature-rows.js';
import type { LinearLayer } from '../../learn/dense-linear.js';
import { InputLayer } from '../../learn/input-layer.js';
import { mlpProbabilities, type MlpClassifierNet } from '../../learn/mlp-classifier.js';
import { trainMlpClassifier } from '../../learn/train-mlp-classifier.js';
import { balancedClassWeights } from './linear-model.js';
import type { ClassifierMethod, MethodModel } from './methods.js';
import { floatsFromBase64, floatsToBase64 } from './state-codec.js';

/** The mlp method's state: layer sizes and the parameters in order (input W, b, each hidden W, b, output W, b). */
interface MlpState {
  activation: HiddenActivation;
  inputs: number;
  hidden: number[];
  parameters: string[];
  /** Epochs run and the epoch kept (information only). */
  epochs?: number;
  bestEpoch?: number;
}

function parametersOf(net: MlpClassifierNet): Float32Array[] {
  return [net.input.weights, net.input.bias, ...net.hidden.flatMap((l) => [l.weights, l.bias]), net.output.weights, net.output.bias];
}

function mlpModel(net: MlpClassifierNet, info: { epochs?: number; bestEpoch?: number }): MethodModel {
  return {
    probabilities: ({ features }) => {
      if (featureDim(features) !== net.input.inputs)
        throw new UsageError(`the model expects ${net.input.inputs} features, got ${featureDim(features)}`);
      return mlpProbabilities(net, features);
    },
    state: (): MlpState => ({
      activation: net.activation,
      inputs: net.input.inputs,
      hidden: [net.input.outputs, ...net.hidden.map((l) => l.outputs)],
      parameters: parametersOf(net).map(floatsToBase64),
      ...info,
    }),
  };
}

/**
 * 'mlp': a multilayer perceptron (hidden ReLU/GELU layers, optional dropout, softmax output) trained
 * with AdamW on mini-batches, early stopping on a stratified held-out split, class weights; over any
 * features — sparse TF-IDF rows stay sparse (src/learn/input-layer.ts).
 */
export const mlpMethod: ClassifierMethod = {
  name: 'mlp',
  description: 'multilayer perceptron (ReLU/GELU, dropout, AdamW, early stopping on a held-out split); sparse TF-IDF input stays sparse',
  usesFeatures: true,
  offThread: true,
  async fit({ features }, y, K, options) {
    const r = await trainMlpClassifier(features, y, K, {
      hidden: options.hidden,
      activation: options.activation,
      dropout: options.dropout,
      learningRate: options.learningRate,
      weightDecay: options.weightDecay,
      maxEpochs: options.epochs,
      validationFraction: options.validationFraction,
      classWeights: options.classWeight === 'balanced' ? balancedClassWeights(y, K) : undefined,
      seed: options.seed,
      signal: options.signal,
      onEpoch: options.onProgress ? (epoch, max) => options.onProgress?.(epoch / max) : undefined,
    });
    return mlpModel(r.net, { epochs: r.epochs, bestEpoch: r.bestEpoch });
  },
  load(state, K, file) {
    const s = state as Partial<MlpState> | null;
    const sizeOk = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1;
    if (
      !s ||
      !HIDDEN_ACTIVATIONS.includes(s.activation as HiddenActivation) ||
      !sizeOk(s.inputs) ||
      !Array.isArray(s.hidden) ||
      s.hidden.length === 0 ||
      !s.hidden.every(sizeOk) ||
      !Array.isArray(s.parameters) ||
      s.parameters.length !== 2 * s.hidden.length + 2
    )
      throw new FileFormatError(
        file,
        'mlp state must have an activation, integer inputs and hidden sizes, and 2 parameter arrays per layer',
      );
    const sizes = [s.inputs as number, ...s.hidden, K];
    if (sizes[0] * sizes[1] > 2 ** 28) throw new FileFormatError(file, `mlp input layer of ${sizes[0]} × ${sizes[1]} is too large`);
    const p = (i: number, length: number) => floatsFromBase64(s.parameters![i], length, file, `mlp parameter array ${i}`);
    const input = new InputLayer(sizes[0], sizes[1], p(0, sizes[0] * sizes[1]), p(1, sizes[1]));
    const layers: LinearLayer[] = [];
    for (let l = 1; l < sizes.length - 1; l++)
      layers.push({
        inputs: sizes[l],
        outputs: sizes[l + 1],
        weights: p(2 * l, sizes[l] * sizes[l + 1]),
        bias: p(2 * l + 1, sizes[l + 1]),
      });
    const output = layers.pop()!;
    const net: MlpClassifierNet = { activation: s.activation as HiddenActivation, input, hidden: layers, output };
    return mlpModel(net, { epochs: s.epochs, bestEpoch: s.bestEpoch });
  },
};
