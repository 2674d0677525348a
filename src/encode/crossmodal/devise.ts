import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { ImageInput } from '../image/types.js';
import { backboneSpec, loadBackbone, type BackboneSpec } from '../train/backbone.js';
import { readLabelledFolder, stratifiedSplit, type LabelledImages } from '../train/dataset.js';
import { computeFeatures, type FeatureTable } from '../train/features.js';
import { retrievalFigures, type RetrievalFigures } from '../../learn/metrics.js';
import { gatherRows } from '../../learn/sampler.js';
import { loadTrainedEncoder } from '../train/trained-file.js';
import { TrainedImageEncoder } from '../train/trained-encoder.js';
import type { EmbedOptions, Embeddings, Encoder } from '../types.js';
import { embedMixed, type MixedInput } from './mixed.js';
import { trainDeviseMap, unitRows, type DeviseMapOptions } from './devise-map.js';

/** Options of {@link trainDevise}. */
export interface TrainDeviseOptions extends DeviseMapOptions {
  /** Image backbone: registry name (default `mobilenet-v2`) or an Encoder (see trainImageEncoder). */
  backbone?: string | Encoder<ImageInput>;
  backboneOptions?: Record<string, unknown>;
  /** Text encoder of the word-vector space: registry name (default `glove-100-mean`) or an Encoder. */
  text?: string | Encoder<string>;
  /** Load options of the text encoder (JSON-serialisable; saved). */
  textOptions?: Record<string, unknown>;
  /** The text of a label (folder name). Default: `-` and `_` become spaces (`red-circle` → "red circle"). */
  labelText?: (label: string) => string;
  /** Labels left out of training entirely, to measure zero-shot retrieval on them. */
  unseenLabels?: readonly string[];
  /** Fraction of each trained label's images held out for the figures. Default 0.2. */
  testFraction?: number;
  /** Name of the image encoder. Default `devise:<folder name>`. */
  name?: string;
  featureBatchSize?: number;
  cacheDir?: string;
  onFeatures?: (done: number, total: number) => void;
  /** Backbone features of the set's files computed before (e.g. shared between runs): skips the backbone pass. */
  features?: FeatureTable;
}

/** A DeViSE model: images (backbone + linear map) and texts (word vectors) in one space. */
export interface DeviseModel {
  image: TrainedImageEncoder;
  text: Encoder<string>;
  dimension: number;
  /** Texts (strings) and images (bytes, pixels, or {@link imageFile}) in one call, rows in input order. */
  embed(inputs: readonly MixedInput[], options?: EmbedOptions): Promise<Embeddings>;
  dispose(): Promise<void>;
}

/** Figures of {@link trainDevise}, on held-out images (never trained on). */
export interface DeviseReport {
  labels: string[];
  trainedLabels: string[];
  unseenLabels: string[];
  /** Labels dropped because their text has no vector (e.g. no known word). */
  labelsWithoutVector: { label: string; message: string }[];
  failures: { file: string; message: string }[];
  trainCount: number;
  /** Evaluation pool: held-out images of trained labels + all images of unseen labels. */
  evalCount: number;
  /** The files of the pool. */
  evalFiles: string[];
  /** Text→image retrieval over the pool, one query per trained label (its text). */
  seen: RetrievalFigures | null;
  /** Same with the unseen labels' texts as queries (zero-shot). */
  unseen: RetrievalFigures | null;
  /**
   * Image→label: the fraction of pool images whose nearest label text (among all labels) is
   * their own ("flat hit@1" of Frome et al.), for images of trained and of unseen labels.
   */
  labelAccuracy: { seen: number | null; unseen: number | null };
  losses: number[];
  seconds: { features: number; training: number };
}

/** Default label text: folder names like `red-circle` or `traffic_light` read as words. */
export function defaultLabelText(label: string): string {
  return label.replace(/[-_]+/g, ' ').trim();
}

async function loadTextEncoder(spec: BackboneSpec): Promise<Encoder<string>> {
  const { textEncoderEntries } = await import('../text/registry-entries.js');
  const entry = textEncoderEntries.find((e) => e.name === spec.name);
  if (!entry)
    throw new UsageError(
      `unknown text encoder '${spec.name}' (known: ${textEncoderEntries.map((e) => e.name).join(', ')}); pass the encoder itself as \`text\``,
    );
  return (await entry.load(spec.options)) as Encoder<string>;
}

function labelAccuracy(
  images: Float32Array,
  imageLabels: readonly number[],
  labelVectors: Float32Array,
  labelIds: readonly number[],
  dim: number,
): number | null {
  if (imageLabels.length === 0) return null;
  let hits = 0;
  imageLabels.forEach((y, r) => {
    let best = -1;
    let bestScore = -Infinity;
    labelIds.forEach((c, k) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += images[r * dim + d] * labelVectors[k * dim + d];
      if (s > bestScore) [bestScore, best] = [s, c];
    });
    if (best === y) hits++;
  });
  return hits / imageLabels.length;
}

/**
 * DeViSE (Frome et al. 2013) from a folder of labelled images whose label names are words or
 * phrases (`dir/red-circle/*.png`): label texts are embedded with the text encoder (default
 * GloVe-100 mean pooling), backbone image features are computed once, and a linear map from
 * image features into the word-vector space is trained with the hinge rank loss. Text queries
 * (any word or phrase, also labels never trained on) then retrieve images by cosine.
 */
export async function trainDevise(
  data: string | LabelledImages,
  options: TrainDeviseOptions = {},
): Promise<{ model: DeviseModel; report: DeviseReport }> {
  const set = typeof data === 'string' ? await readLabelledFolder(data) : data;
  const unseen = new Set(options.unseenLabels ?? []);
  for (const l of unseen) if (!set.labelNames.includes(l)) throw new UsageError(`unseenLabels: '${l}' is not a label of ${set.root}`);
  const labelText = options.labelText ?? defaultLabelText;
  const textOption = options.text ?? 'glove-100-mean';
  const textSpec = backboneSpec(typeof textOption === 'string' ? textOption : textOption.name, options.textOptions ?? {});
  const imageOption = options.backbone ?? 'mobilenet-v2';
  const imageSpec = backboneSpec(typeof imageOption === 'string' ? imageOption : imageOption.name, options.backboneOptions ?? {});
  const text = typeof textOption === 'string' ? await loadTextEncoder(textSpec) : textOption;
  const backbone = typeof imageOption === 'string' ? await loadBackbone(imageSpec) : imageOption;
  let keep = false;
  try {
    const wordDim = text.dimension;
    const vectors = await text.embed(set.labelNames.map(labelText), { normalize: true });
    const labelsWithoutVector = vectors.errors.map((e) => ({ label: set.labelNames[e.index], message: e.message }));
    const hasVector = set.labelNames.map((_, c) => !vectors.errors.some((e) => e.index === c));
    const trained = set.labelNames.map((_, c) => c).filter((c) => hasVector[c] && !unseen.has(set.labelNames[c]));
    const unseenIds = set.labelNames.map((_, c) => c).filter((c) => hasVector[c] && unseen.has(set.labelNames[c]));
    if (trained.length < 2) throw new UsageError(`DeViSE needs at least 2 trained labels with a text vector, got ${trained.length}`);

    const t0 = performance.now();
    const features =
      options.features ??
      (await computeFeatures(backbone, set.files, {
        batchSize: options.featureBatchSize,
        signal: options.signal,
        onProgress: options.onFeatures,
        cacheDir: options.cacheDir,
      }));
    if (features.rows !== set.files.length || features.dim !== backbone.dimension) {
      throw new UsageError(`features: expected ${set.files.length} rows × ${backbone.dimension}, got ${features.rows} × ${features.dim}`);
    }
    const t1 = performance.now();
    const failures = [...features.failures].map(([i, message]) => ({ file: set.files[i], message }));
    const ok = set.files.map((_, i) => i).filter((i) => !features.failures.has(i) && hasVector[set.labels[i]]);
    const seenRows = ok.filter((i) => trained.includes(set.labels[i]));
    const split = stratifiedSplit(
      Int32Array.from(seenRows, (i) => set.labels[i]),
      options.testFraction ?? 0.2,
      options.seed ?? 1,
    );
    const trainRows = split.train.map((k) => seenRows[k]);
    const evalRows = [...split.test.map((k) => seenRows[k]), ...ok.filter((i) => unseenIds.includes(set.labels[i]))];

    // Train on the trained labels only, renumbered 0 .. S−1.
    const index = new Map(trained.map((c, k) => [c, k]));
    const trainedVectors = gatherRows(vectors.data, wordDim, trained);
    const map = await trainDeviseMap(
      gatherRows(features.data, features.dim, trainRows),
      features.dim,
      Int32Array.from(trainRows, (i) => index.get(set.labels[i])!),
      trainedVectors,
      wordDim,
      options,
    );
    const t2 = performance.now();
    const image = new TrainedImageEncoder(
      {
        kind: 'devise',
        name: options.name ?? `devise:${path.basename(set.root)}`,
        backbone: { ...imageSpec, dimension: features.dim },
        labels: trained.map((c) => set.labelNames[c]),
        text: { ...textSpec, dimension: wordDim },
        training: {
          loss: 'hinge-rank',
          margin: options.margin ?? 0.1,
          epochs: options.epochs ?? 50,
          seed: options.seed ?? 1,
          trainCount: trainRows.length,
        },
      },
      [map.layer],
      backbone,
    );

    // Figures on the pool.
    const pool = unitRows(await image.project(gatherRows(features.data, features.dim, evalRows), evalRows.length), wordDim);
    const poolLabels = evalRows.map((i) => set.labels[i]);
    const allIds = [...trained, ...unseenIds];
    const allVectors = gatherRows(vectors.data, wordDim, allIds);
    const figures = (ids: number[]) =>
      ids.length === 0 || evalRows.length === 0
        ? null
        : retrievalFigures(gatherRows(vectors.data, wordDim, ids), ids, pool, poolLabels, wordDim, 5);
    const subset = (ids: number[]) => {
      const rows = poolLabels.map((y, r) => (ids.includes(y) ? r : -1)).filter((r) => r >= 0);
      return labelAccuracy(
        gatherRows(pool, wordDim, rows),
        rows.map((r) => poolLabels[r]),
        allVectors,
        allIds,
        wordDim,
      );
    };
    const report: DeviseReport = {
      labels: set.labelNames,
      trainedLabels: trained.map((c) => set.labelNames[c]),
      unseenLabels: unseenIds.map((c) => set.labelNames[c]),
      labelsWithoutVector,
      failures,
      trainCount: trainRows.length,
      evalCount: evalRows.length,
      evalFiles: evalRows.map((i) => set.files[i]),
      seen: figures(trained),
      unseen: figures(unseenIds),
      labelAccuracy: { seen: subset(trained), unseen: subset(unseenIds) },
      losses: map.losses,
      seconds: { features: (t1 - t0) / 1000, training: (t2 - t1) / 1000 },
    };
    keep = true;
    return { model: deviseModel(image, text), report };
  } finally {
    if (!keep) {
      if (typeof imageOption === 'string') await backbone.dispose?.();
      if (typeof textOption === 'string') await text.dispose?.();
    }
  }
}

function deviseModel(image: TrainedImageEncoder, text: Encoder<string>): DeviseModel {
  return {
    image,
    text,
    dimension: image.dimension,
    embed: (inputs, options) => embedMixed(text, image, inputs, options),
    dispose: async () => {
      await image.dispose();
      await text.dispose?.();
    },
  };
}

/** Options of {@link loadDevise}. */
export interface LoadDeviseOptions {
  /** The text encoder, instead of rebuilding it by its saved registry name. */
  text?: Encoder<string>;
  /** The image backbone, instead of rebuilding it by its saved registry name. */
  backbone?: Encoder<ImageInput>;
  backboneOptions?: Record<string, unknown>;
}

/** Loads a DeViSE model saved with `model.image.save(file)`: the image encoder and its text encoder. */
export async function loadDevise(file: string, options: LoadDeviseOptions = {}): Promise<DeviseModel> {
  const image = await loadTrainedEncoder(file, {
    ...(options.backbone ? { backbone: options.backbone } : {}),
    ...(options.backboneOptions ? { backboneOptions: options.backboneOptions } : {}),
  });
  const spec = image.info.text;
  if (image.info.kind !== 'devise' || !spec) {
    await image.dispose();
    throw new UsageError(`${path.resolve(file)}: a ${image.info.kind} encoder, not a DeViSE model (load it with loadTrainedEncoder)`);
  }
  let text: Encoder<string>;
  try {
    text = options.text ?? (await loadTextEncoder(spec));
  } catch (error) {
    await image.dispose();
    throw error;
  }
  if (text.dimension !== spec.dimension) {
    await image.dispose();
    throw new UsageError(
      `dimension mismatch: ${path.resolve(file)} maps into a ${spec.dimension}-d text space ('${spec.name}'), the text encoder gives ${text.dimension}-d`,
    );
  }
  return deviseModel(image, text);
}
