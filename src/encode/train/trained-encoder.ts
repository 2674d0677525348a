import { EmbedkitError, UsageError } from '../../errors.js';
import { normalizeInPlace } from '../batch.js';
import type { ImageInput } from '../image/types.js';
import type { EmbedOptions, Embeddings, Encoder } from '../types.js';
import type { BackboneSpec } from './backbone.js';
import { predict, shapeOf, type DenseLayer, type LayerShape } from '../../learn/mlp.js';
import { yieldToEventLoop } from '../../kernels/yield.js';

/** What a trained encoder is, beyond its weights (saved as the JSON header of its file). */
export interface TrainedEncoderInfo {
  /**
   * `projection-head`: an MLP trained with a metric or classification loss (trainImageEncoder);
   * `devise`: a linear map into a word-vector space (trainDevise, Frome et al. 2013).
   */
  kind: 'projection-head' | 'devise';
  /** The encoder's name. */
  name: string;
  /** The frozen backbone, rebuilt by name on load; `dimension` is checked against it. */
  backbone: BackboneSpec & { dimension: number };
  /** Label names of the training set. */
  labels: string[];
  /** For `devise`: the text encoder of the word-vector space (registry name + options). */
  text?: BackboneSpec & { dimension: number };
  /** Loss, hyper-parameters and quality figures of the training run (informative). */
  training: Record<string, unknown>;
}

/** Rows of the head per step in `embed` before yielding to the event loop. */
const HEAD_CHUNK = 256;

/**
 * An image encoder made of a frozen backbone (its unit-normalised features) followed by trained
 * dense layers. Failed images keep an all-zero row and an error, like every encoder.
 */
export class TrainedImageEncoder implements Encoder<ImageInput> {
  readonly modality = 'image' as const;
  readonly name: string;
  readonly dimension: number;
  private disposed = false;

  constructor(
    readonly info: TrainedEncoderInfo,
    readonly layers: readonly DenseLayer[],
    readonly backbone: Encoder<ImageInput>,
  ) {
    if (layers.length === 0) throw new UsageError('a trained encoder needs at least one layer');
    if (backbone.dimension !== layers[0].inputs) {
      throw new UsageError(
        `dimension mismatch: backbone '${backbone.name}' gives ${backbone.dimension}-d vectors, the trained layers expect ${layers[0].inputs}-d`,
      );
    }
    this.name = info.name;
    this.dimension = layers[layers.length - 1].outputs;
  }

  get labels(): readonly string[] {
    return this.info.labels;
  }

  get shapes(): LayerShape[] {
    return this.layers.map(shapeOf);
  }

  /** Applies the trained layers to `rows` backbone feature rows (unit-normalised, as `embed` gives them). */
  async project(features: Float32Array, rows: number, signal?: AbortSignal): Promise<Float32Array> {
    const inDim = this.layers[0].inputs;
    if (features.length !== rows * inDim) throw new UsageError(`expected ${rows} × ${inDim} feature values, got ${features.length}`);
    const out = new Float32Array(rows * this.dimension);
    for (let start = 0; start < rows; start += HEAD_CHUNK) {
      if (start > 0) await yieldToEventLoop(signal);
      const count = Math.min(HEAD_CHUNK, rows - start);
      out.set(predict(this.layers, features.subarray(start * inDim, (start + count) * inDim), count), start * this.dimension);
    }
    return out;
  }

  async embed(inputs: readonly ImageInput[], options: EmbedOptions = {}): Promise<Embeddings> {
    if (this.disposed) throw new EmbedkitError(`the ${this.name} encoder has been disposed`);
    const normalize = options.normalize ?? true;
    if (typeof normalize !== 'boolean') throw new UsageError(`normalize must be a boolean, got ${String(options.normalize)}`);
    const feats = await this.backbone.embed(inputs, { ...options, normalize: true });
    const data = await this.project(feats.data, feats.rows, options.signal);
    for (const e of feats.errors) data.fill(0, e.index * this.dimension, (e.index + 1) * this.dimension);
    if (normalize) normalizeInPlace(data, this.dimension);
    return { rows: feats.rows, dim: this.dimension, data, errors: feats.errors };
  }

  /** Writes the encoder to one file (atomically); reload it with `loadTrainedEncoder`. */
  async save(file: string): Promise<void> {
    const { saveTrainedEncoder } = await import('./trained-file.js');
    await saveTrainedEncoder(file, this.info, this.layers);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.backbone.dispose?.();
  }
}
