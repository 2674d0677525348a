import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EmbedkitError } from '../../errors.js';
import { MissingPackageError } from './errors.js';
import { poolFeatureMaps, type MapPoolingSpec } from './map-pooling.js';
import { loadTfjs, type Tfjs } from './tfjs-runtime.js';
import type { Normalization } from './types.js';

/** The tfjs feature extractors with weights shipped in an npm package. */
export type TfjsModelName = 'mobilenet-v2' | 'inception-v3';

/** Where a model's weights are and how to run it. */
export interface TfjsModelSpec {
  name: TfjsModelName;
  /** Folder of the bundled model in nsfwjs/dist/models. */
  bundle: string;
  kind: 'graph' | 'layers';
  /** Graph models: the node to read; layers models: the layer whose output is the feature vector. */
  output: string;
  /** Square input side in pixels. */
  size: number;
  dimension: number;
  /** nsfwjs's own preprocessing: `img.toFloat().div(255)` for every model (core.js `infer`). */
  normalization: Normalization;
  /** Default images per model call. */
  batchSize: number;
  /**
   * The last convolutional feature map (before the model's own global average pooling), for the
   * other poolings of the `pooling` option; absent when the model does not expose it.
   */
  featureMap?: { output: string; height: number; width: number };
}

export const TFJS_MODELS: Readonly<Record<TfjsModelName, TfjsModelSpec>> = {
  'mobilenet-v2': {
    name: 'mobilenet-v2',
    bundle: 'mobilenet_v2_mid',
    kind: 'graph',
    output:
      'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze',
    size: 224,
    dimension: 1792,
    normalization: 'unit',
    batchSize: 8,
    // The ReLU6 output of the last 1×1 convolution, [N, 7, 7, 1792]; `output` is its average.
    featureMap: {
      output:
        'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2/Conv_1/Relu6',
      height: 7,
      width: 7,
    },
  },
  'inception-v3': {
    name: 'inception-v3',
    bundle: 'inception_v3',
    kind: 'layers',
    output: 'flatten_1',
    size: 299,
    dimension: 2048,
    normalization: 'unit',
    batchSize: 4,
  },
};

const require = createRequire(import.meta.url);

/** nsfwjs/dist/models/<bundle>, located through the installed package. */
export function nsfwjsModelDir(bundle: string, encoder: string): string {
  let main: string;
  try {
    main = require.resolve('nsfwjs'); // nsfwjs/dist/cjs/index.js
  } catch {
    throw new MissingPackageError(encoder, 'nsfwjs');
  }
  const dir = path.join(path.dirname(main), '..', 'models', bundle);
  if (!existsSync(path.join(dir, 'model.min.js')))
    throw new EmbedkitError(
      `the nsfwjs package has no model files in ${dir} (expected nsfwjs 4.x with bundled models)`,
      'EMBEDKIT_DEPENDENCY',
    );
  return dir;
}

interface BundledModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

/** Loads a CommonJS file of the bundle and drops it from require's cache (the strings are large). */
function requireOnce<T>(file: string): T {
  const resolved = require.resolve(file);
  try {
    return require(resolved) as T;
  } finally {
    delete require.cache[resolved];
  }
}

/**
 * A tfjs IOHandler reading a model from local files of an nsfwjs bundle folder: `model.min.js` (the
 * model.json object) and `<shard>.min.js` (each weight shard as base64). No fetch, no network.
 */
export function nsfwjsBundleHandler(_tf: Tfjs, dir: string): ReturnType<Tfjs['io']['fromMemory']> {
  return {
    load: async () => {
      const json = requireOnce<BundledModelJson>(path.join(dir, 'model.min.js'));
      const parts: Uint8Array[] = [];
      const weightSpecs: unknown[] = [];
      for (const group of json.weightsManifest) {
        for (const shard of group.paths) {
          const base64 = requireOnce<unknown>(path.join(dir, `${shard}.min.js`));
          if (typeof base64 !== 'string')
            throw new EmbedkitError(`${path.join(dir, `${shard}.min.js`)}: expected a base64 weight shard`, 'EMBEDKIT_DEPENDENCY');
          parts.push(Buffer.from(base64, 'base64'));
        }
        weightSpecs.push(...group.weights);
      }
      const total = parts.reduce((s, p) => s + p.length, 0);
      const weightData = new Uint8Array(total);
      let offset = 0;
      for (const p of parts) {
        weightData.set(p, offset);
        offset += p.length;
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: weightSpecs as never,
        weightData: weightData.buffer,
        ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
      };
    },
  } as ReturnType<Tfjs['io']['fromMemory']>;
}

/** A loaded feature extractor: runs batches synchronously on this thread. */
export interface TfjsFeatureModel {
  spec: TfjsModelSpec;
  /** Features of `count` images (`count × size × size × 3` floats, NHWC) as `count × dimension` floats. */
  run(batch: Float32Array, count: number): Float32Array;
  dispose(): void;
}

/**
 * Loads a model (tfjs + wasm backend, weights from nsfwjs) and warms it up on one zero image. With a
 * `pooling` other than `average`, the graph is cut at its last feature map and pooled here.
 */
export async function loadTfjsFeatureModel(name: TfjsModelName, pooling?: MapPoolingSpec): Promise<TfjsFeatureModel> {
  const spec = TFJS_MODELS[name];
  if (!spec) throw new EmbedkitError(`unknown tfjs model '${String(name)}'`);
  const map = pooling && pooling.type !== 'average' ? spec.featureMap : undefined;
  if (pooling && pooling.type !== 'average' && !map)
    throw new EmbedkitError(`the ${name} model has no feature map for pooling '${pooling.type}'`);
  const tf = await loadTfjs(name);
  const handler = nsfwjsBundleHandler(tf, nsfwjsModelDir(spec.bundle, name));
  let forward: (x: import('@tensorflow/tfjs').Tensor4D) => import('@tensorflow/tfjs').Tensor;
  let disposeModel: () => void;
  if (spec.kind === 'graph') {
    const graph = await tf.loadGraphModel(handler);
    forward = (x) => graph.execute(x, map ? map.output : spec.output) as import('@tensorflow/tfjs').Tensor;
    disposeModel = () => graph.dispose();
  } else {
    const layers = await tf.loadLayersModel(handler);
    let layer;
    try {
      layer = layers.getLayer(spec.output);
    } catch {
      layers.dispose();
      throw new EmbedkitError(`the ${name} model has no layer '${spec.output}'`);
    }
    const features = tf.model({ inputs: layers.inputs, outputs: layer.output as import('@tensorflow/tfjs').SymbolicTensor });
    forward = (x) => features.predict(x) as import('@tensorflow/tfjs').Tensor;
    disposeModel = () => layers.dispose();
  }
  const { size, dimension } = spec;
  const run = (batch: Float32Array, count: number): Float32Array => {
    if (batch.length !== count * size * size * 3)
      throw new EmbedkitError(`expected ${count} × ${size} × ${size} × 3 values, got ${batch.length}`);
    const y = tf.tidy(() => forward(tf.tensor4d(batch, [count, size, size, 3], 'float32')));
    try {
      if (map && pooling) {
        const [n, h, w, c] = y.shape;
        if (y.shape.length !== 4 || n !== count || h !== map.height || w !== map.width || c !== dimension)
          throw new EmbedkitError(
            `the ${name} model returned a feature map of shape [${y.shape.join(', ')}], expected [${count}, ${map.height}, ${map.width}, ${dimension}]`,
          );
        return poolFeatureMaps(y.dataSync() as Float32Array, count, h, w, c, pooling);
      }
      if (y.shape.length !== 2 || y.shape[0] !== count || y.shape[1] !== dimension) {
        throw new EmbedkitError(`the ${name} model returned shape [${y.shape.join(', ')}], expected [${count}, ${dimension}]`);
      }
      return y.dataSync() as Float32Array;
    } finally {
      y.dispose();
    }
  };
  run(new Float32Array(size * size * 3), 1);
  return { spec, run, dispose: disposeModel };
}
