import path from 'node:path';
import { EmbedkitError, UsageError } from '../../errors.js';
import { yieldToEventLoop } from '../../kernels/yield.js';
import { Adam } from '../../learn/adam.js';
import {
  convNetBackward,
  convNetForward,
  convNetParameters,
  createConvNet,
  flatSize,
  zeroConvNetGradients,
  type ConvNetShape,
} from '../../learn/conv-net.js';
import { denseBackward } from '../../learn/dense-backward.js';
import {
  batchHardTripletLoss,
  l2NormalizeBackward,
  l2NormalizeRows,
  softmaxCrossEntropy,
  supConLoss,
  type LossResult,
} from '../../learn/losses.js';
import { createLayer, denseForward, type LayerShape } from '../../learn/mlp.js';
import { Random } from '../../learn/random.js';
import { classBalancedBatches, indicesByLabel, shuffledBatches } from '../../learn/sampler.js';
import type { Matrix } from '../../math/matrix.js';
import { readLabelledFolder } from '../train/dataset.js';
import { AudioCnnEncoder } from './audio-cnn.js';
import type { AudioCnnInfo } from './audio-cnn-file.js';
import { augmentedPatch, clipLogMel, CNN_BANDS, inferencePatches, standardize, type CnnFrontEnd } from './cnn-input.js';
import { AUDIO_EXTENSIONS, inputLabel, loadClip, type AudioInput } from './inputs.js';

/**
 * Training objective: `softmax` (cross-entropy of a classifier on top of the embedding layer,
 * dropped after training: the embedding is the classifier's input, the penultimate layer),
 * `supcon` (supervised contrastive, Khosla et al. 2020) or `triplet` (batch-hard, Hermans et al.
 * 2017) on the unit embeddings.
 */
export type AudioCnnLoss = 'softmax' | 'supcon' | 'triplet';
export const AUDIO_CNN_LOSSES: readonly AudioCnnLoss[] = ['softmax', 'supcon', 'triplet'];

/** Options of {@link trainAudioCnn} (defaults in brackets). */
export interface AudioCnnTrainingOptions {
  /** Output channels of the conv blocks (3×3 conv, ReLU, 2×2 max-pool each). [16, 32, 64, 64] */
  channels?: readonly number[];
  /** Square kernel size (odd). [3] */
  kernel?: number;
  /** Hidden ReLU dense layers between the conv blocks and the embedding layer. [] */
  hidden?: readonly number[];
  /** Dimension of the embedding (a linear layer). [128] */
  embeddingDim?: number;
  /** Frames (10 ms) per input patch. [96] */
  frames?: number;
  /** Frames between the patches of clips longer than a patch (at inference). [48] */
  patchHop?: number;
  /** Leading/trailing frames this many dB under the loudest are trimmed. [40] */
  trimDb?: number;
  loss?: AudioCnnLoss;
  /** Passes over the training clips. [40] */
  epochs?: number;
  /** Clips per step. [32] */
  batchSize?: number;
  /** K of the P×K class-balanced batches of the metric losses. [4] */
  samplesPerClass?: number;
  /** Adam step size, decayed along a half cosine to 5 % of it. [2e-3] */
  learningRate?: number;
  /** Decoupled weight decay (AdamW). [1e-4] */
  weightDecay?: number;
  /** Dropout on the flattened conv features. [0.3] */
  dropout?: number;
  /** Random feature-level degradations of every training patch (see `augmentedPatch`). [true] */
  augment?: boolean;
  /** τ of `supcon`. [0.1] */
  temperature?: number;
  /** Margin of `triplet`. [0.2] */
  margin?: number;
  /** Seed of initialisation, batches, augmentation and dropout: same seed and data, same weights. [1] */
  seed?: number;
  /** Training clips longer than this are cut. [600] */
  maxSeconds?: number;
  /** Name of the encoder. [`audio-cnn:<folder name>`] */
  name?: string;
  signal?: AbortSignal;
  /** Decoding progress (clips done, total). */
  onClips?: (done: number, total: number) => void;
  /** After every step: (step, steps, the batch's loss). */
  onStep?: (step: number, steps: number, loss: number) => void;
  /** After every epoch: (epoch, epochs, mean loss). */
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/** Labelled clips given directly (instead of a folder). */
export interface AudioCnnTrainingData {
  inputs: readonly AudioInput[];
  /** Integer labels 0 .. labelNames.length − 1, one per input. */
  labels: ArrayLike<number>;
  labelNames: readonly string[];
}

/** Figures of a training run. */
export interface AudioCnnReport {
  labels: string[];
  /** Clips trained on (failed ones excluded). */
  clips: number;
  /** Clips that could not be read, skipped: the input and the error. */
  failures: { input: string; message: string }[];
  /** Mean loss of each epoch. */
  losses: number[];
  /** Nearest-class-mean accuracy of the embeddings on the (clean) training clips. */
  trainAccuracy: number;
  seconds: number;
}

type Settings = Required<Omit<AudioCnnTrainingOptions, 'signal' | 'onClips' | 'onStep' | 'onEpoch' | 'name'>>;

function int(name: string, v: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max)
    throw new UsageError(`${name} must be an integer in ${min} .. ${max}, got ${String(v)}`);
  return v as number;
}

function num(name: string, v: unknown, min: number, max: number, openMin = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (openMin && v === min))
    throw new UsageError(`${name} must be a number in ${openMin ? '(' : '['}${min}, ${max}], got ${String(v)}`);
  return v;
}

export function resolveAudioCnnOptions(o: AudioCnnTrainingOptions): Settings {
  const loss = o.loss ?? 'softmax';
  if (!AUDIO_CNN_LOSSES.includes(loss))
    throw new UsageError(`loss must be one of ${AUDIO_CNN_LOSSES.join(', ')}, got ${JSON.stringify(loss)}`);
  const channels = [...(o.channels ?? [16, 32, 64, 64])];
  if (channels.length === 0 || channels.length > 6) throw new UsageError(`channels must list 1 to 6 conv blocks, got ${channels.length}`);
  channels.forEach((c, i) => int(`channels[${i}]`, c, 1, 512));
  const hidden = [...(o.hidden ?? [])];
  hidden.forEach((h, i) => int(`hidden[${i}]`, h, 1, 8192));
  const kernel = int('kernel', o.kernel ?? 3, 1, 15);
  if (kernel % 2 === 0) throw new UsageError(`kernel must be odd, got ${kernel}`);
  const frames = int('frames', o.frames ?? 96, 2 ** channels.length, 10000);
  return {
    channels,
    kernel,
    hidden,
    embeddingDim: int('embeddingDim', o.embeddingDim ?? 128, 1, 8192),
    frames,
    patchHop: int('patchHop', o.patchHop ?? Math.max(1, frames >> 1), 1, frames),
    trimDb: num('trimDb', o.trimDb ?? 40, 0, 200, true),
    loss,
    epochs: int('epochs', o.epochs ?? 40, 1, 100000),
    batchSize: int('batchSize', o.batchSize ?? 32, 2, 4096),
    samplesPerClass: int('samplesPerClass', o.samplesPerClass ?? 4, 2, 4096),
    learningRate: num('learningRate', o.learningRate ?? 2e-3, 0, 10, true),
    weightDecay: num('weightDecay', o.weightDecay ?? 1e-4, 0, 1),
    dropout: num('dropout', o.dropout ?? 0.3, 0, 0.95),
    augment: o.augment ?? true,
    temperature: num('temperature', o.temperature ?? 0.1, 0, 100, true),
    margin: num('margin', o.margin ?? 0.2, 0, 4, true),
    seed: Number.isFinite(o.seed ?? 1) ? Math.trunc(o.seed ?? 1) : 1,
    maxSeconds: num('maxSeconds', o.maxSeconds ?? 600, 0, 1e7, true),
  };
}

/** The architecture for `settings` and `classes`: conv blocks, [hidden], the linear embedding layer. */
function networkShape(s: Settings): ConvNetShape {
  const shape: ConvNetShape = {
    input: [1, s.frames, CNN_BANDS],
    blocks: s.channels.map((channels) => ({ channels, kernel: s.kernel, pool: [2, 2] as [number, number] })),
    dense: [],
  };
  let width = flatSize(shape);
  for (const h of s.hidden) {
    shape.dense.push({ inputs: width, outputs: h, activation: 'relu', bias: true });
    width = h;
  }
  shape.dense.push({ inputs: width, outputs: s.embeddingDim, activation: 'none', bias: true });
  return shape;
}

async function readData(data: string | AudioCnnTrainingData): Promise<AudioCnnTrainingData & { name: string }> {
  if (typeof data === 'string') {
    const set = await readLabelledFolder(
      data,
      AUDIO_EXTENSIONS.map((e) => `.${e}`),
    );
    return { inputs: set.files, labels: set.labels, labelNames: set.labelNames, name: `audio-cnn:${path.basename(set.root)}` };
  }
  if (typeof data !== 'object' || data === null || !Array.isArray(data.inputs) || !Array.isArray(data.labelNames))
    throw new UsageError('training data must be a folder path or { inputs, labels, labelNames }');
  if (data.labels.length !== data.inputs.length) throw new UsageError(`${data.inputs.length} inputs but ${data.labels.length} labels`);
  for (let i = 0; i < data.labels.length; i++)
    if (!Number.isSafeInteger(data.labels[i]) || data.labels[i] < 0 || data.labels[i] >= data.labelNames.length)
      throw new UsageError(`labels[${i}] must be an integer in 0 .. ${data.labelNames.length - 1}, got ${String(data.labels[i])}`);
  return { ...data, name: 'audio-cnn' };
}

/** The centred, standardised patch of a clip (what training sees without augmentation). */
function cleanPatch(raw: Matrix, fe: CnnFrontEnd): Float32Array {
  const m = { rows: raw.rows, dim: raw.dim, data: raw.data.slice() };
  standardize(m);
  if (m.rows > fe.frames) {
    const from = Math.floor((m.rows - fe.frames) / 2);
    m.data = m.data.slice(from * m.dim, (from + fe.frames) * m.dim);
    m.rows = fe.frames;
  }
  return inferencePatches(m, fe).data;
}

/**
 * Trains a small CNN over log-mel patches on labelled clips — a folder `DIR/<label>/*.wav` (also
 * FLAC, Ogg, MP3) or `{ inputs, labels, labelNames }` — and returns it as an audio encoder (its
 * last dense layer is the embedding). Adam with a cosine-decayed step, dropout, feature-level
 * augmentation; deterministic for a seed. Unreadable clips are reported and skipped. Async: yields
 * to the event loop between steps; `signal` stops it with AbortError.
 */
export async function trainAudioCnn(
  data: string | AudioCnnTrainingData,
  options: AudioCnnTrainingOptions = {},
): Promise<{ encoder: AudioCnnEncoder; report: AudioCnnReport }> {
  const t0 = performance.now();
  const s = resolveAudioCnnOptions(options);
  const set = await readData(data);
  const fe: CnnFrontEnd = { frames: s.frames, hop: s.patchHop, trimDb: s.trimDb };
  const clips: Matrix[] = [];
  const labels: number[] = [];
  const failures: { input: string; message: string }[] = [];
  for (let i = 0; i < set.inputs.length; i++) {
    await yieldToEventLoop(options.signal);
    try {
      const clip = await loadClip(set.inputs[i], 16000, s.maxSeconds, options.signal);
      const m = clipLogMel(clip.samples, s.trimDb);
      if (m.rows === 0) throw new EmbedkitError(`${inputLabel(set.inputs[i])}: shorter than one 25 ms frame`);
      clips.push(m);
      labels.push(set.labels[i]);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      failures.push({ input: inputLabel(set.inputs[i]), message: (error as Error).message });
    }
    options.onClips?.(i + 1, set.inputs.length);
  }
  const classes = set.labelNames.length;
  if (new Set(labels).size < 2)
    throw new EmbedkitError(
      `training needs readable clips of at least 2 labels, got ${new Set(labels).size}${failures.length ? ` (${failures.length} clips failed, first: ${failures[0].message})` : ''}`,
    );

  const rng = new Random(s.seed);
  const net = createConvNet(networkShape(s), rng);
  const classifierShape: LayerShape = { inputs: s.embeddingDim, outputs: classes, activation: 'none', bias: true };
  const classifier = s.loss === 'softmax' ? createLayer(classifierShape, rng) : undefined;
  const params = [...convNetParameters(net), ...(classifier ? [classifier.weights, classifier.bias!] : [])];
  const adam = new Adam(params, s.learningRate, s.weightDecay);
  const byLabel = indicesByLabel(labels, classes);
  const patchSize = s.frames * CNN_BANDS;
  const clean = s.augment ? undefined : clips.map((m) => cleanPatch(m, fe));
  const epochBatches = (): number[][] =>
    s.loss === 'softmax'
      ? shuffledBatches(clips.length, s.batchSize, rng)
      : classBalancedBatches(byLabel, clips.length, s.batchSize, s.samplesPerClass, rng);
  let batches = epochBatches();
  const steps = batches.length * s.epochs;
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    if (epoch > 1) batches = epochBatches();
    if (batches.length === 0) throw new UsageError('metric losses need at least one label with 2 or more clips');
    let sum = 0;
    for (const batch of batches) {
      await yieldToEventLoop(options.signal);
      const n = batch.length;
      const x = new Float32Array(n * patchSize);
      batch.forEach((c, k) => x.set(clean ? clean[c] : augmentedPatch(clips[c], fe, rng), k * patchSize));
      const y = batch.map((c) => labels[c]);
      const trace = convNetForward(net, x, n, { dropout: s.dropout, rng });
      const emb = trace.denseInputs[trace.denseInputs.length - 1];
      const grads = zeroConvNetGradients(net);
      let result: LossResult;
      let gradEmb: Float32Array;
      let classifierGrads: Float32Array[] = [];
      if (classifier) {
        const logits = denseForward(classifier, emb, n);
        result = softmaxCrossEntropy(logits, y, n, classes);
        classifierGrads = [new Float32Array(classifier.weights.length), new Float32Array(classes)];
        gradEmb = denseBackward(classifier, emb, logits, result.grad, n, classifierGrads[0], classifierGrads[1]) as Float32Array;
      } else {
        const { z, norms } = l2NormalizeRows(emb, n, s.embeddingDim);
        result =
          s.loss === 'supcon'
            ? supConLoss(z, y, n, s.embeddingDim, s.temperature)
            : batchHardTripletLoss(z, y, n, s.embeddingDim, s.margin);
        gradEmb = l2NormalizeBackward(z, norms, result.grad, n, s.embeddingDim);
      }
      convNetBackward(net, trace, gradEmb, grads);
      // Half-cosine decay from the step size to 5 % of it (Loshchilov & Hutter 2017, without restarts).
      const lr = s.learningRate * (0.05 + 0.475 * (1 + Math.cos((Math.PI * step) / Math.max(1, steps - 1))));
      adam.step([...grads, ...classifierGrads], lr);
      sum += result.loss;
      step++;
      options.onStep?.(step, steps, result.loss);
    }
    losses.push(sum / batches.length);
    options.onEpoch?.(epoch, s.epochs, losses[losses.length - 1]);
  }

  const info: AudioCnnInfo = {
    kind: 'audio-cnn',
    name: options.name ?? set.name,
    labels: [...set.labelNames],
    frontEnd: fe,
    network: net.shape,
    training: { ...s, clips: clips.length, finalLoss: losses[losses.length - 1] },
  };
  const encoder = new AudioCnnEncoder(info, net, { maxSeconds: s.maxSeconds });
  const trainAccuracy = await nearestMeanAccuracy(encoder, clips, labels, fe, classes, options.signal);
  info.training.trainAccuracy = trainAccuracy;
  return {
    encoder,
    report: {
      labels: [...set.labelNames],
      clips: clips.length,
      failures,
      losses,
      trainAccuracy,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

/** Accuracy of the nearest class mean (cosine) of the clean training clips' embeddings: a sanity figure. */
async function nearestMeanAccuracy(
  encoder: AudioCnnEncoder,
  clips: readonly Matrix[],
  labels: readonly number[],
  fe: CnnFrontEnd,
  classes: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const d = encoder.dimension;
  const rows: Float32Array[] = [];
  for (const m of clips) {
    await yieldToEventLoop(signal);
    const c = { rows: m.rows, dim: m.dim, data: m.data.slice() };
    standardize(c);
    const p = inferencePatches(c, fe);
    const e = encoder.embedPatches(p.data, p.count);
    let n = 0;
    for (const v of e) n += v * v;
    rows.push(e.map((v) => v / (Math.sqrt(n) || 1)));
  }
  const means = Array.from({ length: classes }, () => new Float64Array(d));
  labels.forEach((y, i) => rows[i].forEach((v, k) => (means[y][k] += v)));
  let correct = 0;
  rows.forEach((r, i) => {
    let best = -1;
    let bestScore = -Infinity;
    means.forEach((m, c) => {
      let dot = 0;
      let nn = 0;
      for (let k = 0; k < d; k++) {
        dot += m[k] * r[k];
        nn += m[k] * m[k];
      }
      const score = nn > 0 ? dot / Math.sqrt(nn) : -Infinity;
      if (score > bestScore) [bestScore, best] = [score, c];
    });
    if (best === labels[i]) correct++;
  });
  return correct / rows.length;
}
