import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { ImageInput } from '../image/types.js';
import type { Encoder } from '../types.js';
import { backboneSpec, loadBackbone, type BackboneSpec } from './backbone.js';
import { readLabelledFolder, stratifiedSplit, type LabelledImages } from './dataset.js';
import { computeFeatures, type FeatureTable } from './features.js';
import { leaveOneOutPrecisionAt1 } from '../../learn/metrics.js';
import { gatherRows } from '../../learn/sampler.js';
import { trainHead, type HeadTrainingOptions } from './train-head.js';
import { TrainedImageEncoder } from './trained-encoder.js';

/** Options of {@link trainImageEncoder}. */
export interface TrainImageEncoderOptions extends HeadTrainingOptions {
  /**
   * The frozen backbone: a registry name (default `mobilenet-v2`; saved with the encoder so it can
   * be rebuilt on load) or an Encoder instance (then give `backboneOptions` the options that
   * rebuild it by its name, or pass it again to `loadTrainedEncoder`).
   */
  backbone?: string | Encoder<ImageInput>;
  /** Load options of the backbone (JSON-serialisable; saved). */
  backboneOptions?: Record<string, unknown>;
  /** Name of the trained encoder. Default `trained:<folder name>`. */
  name?: string;
  /** Fraction of each label held out for the quality figure (not trained on). Default 0.2; 0 = train on all. */
  testFraction?: number;
  /** Batch size of the backbone pass. */
  featureBatchSize?: number;
  /** On-disk cache of backbone features (see EmbedOptions.cacheDir). */
  cacheDir?: string;
  /** Progress of the backbone pass (done, total images). */
  onFeatures?: (done: number, total: number) => void;
}

/** Figures of a training run. */
export interface TrainingReport {
  labels: string[];
  /** Images trained on / held out (failed images excluded). */
  trainCount: number;
  testCount: number;
  /** Images the backbone could not read (skipped): file and error. */
  failures: { file: string; message: string }[];
  /**
   * Leave-one-out precision@1 (cosine) among the held-out images: with the raw backbone features
   * (`before`) and with the trained encoder (`after`). null without a held-out split.
   */
  heldOutPrecisionAt1: { before: number; after: number } | null;
  /** Same on the training images (how well the head fits). */
  trainPrecisionAt1: { before: number; after: number };
  /** Mean loss per epoch. */
  losses: number[];
  /** Wall-clock seconds of the backbone pass and of the head training. */
  seconds: { features: number; training: number };
}

function nameOf(backbone: string | Encoder<ImageInput>): string {
  return typeof backbone === 'string' ? backbone : backbone.name;
}

/**
 * Trains an image encoder from a folder of labelled images (`dir/<label>/*.jpg|png|…`, or a
 * {@link LabelledImages} already read): backbone features are computed once, a held-out split is
 * set aside, a projection head is trained on the rest ({@link trainHead}), and precision@1 on the
 * held-out images is measured before and after. The returned encoder embeds new images
 * (backbone + head) and can be saved with `encoder.save(file)`.
 */
export async function trainImageEncoder(
  data: string | LabelledImages,
  options: TrainImageEncoderOptions = {},
): Promise<{ encoder: TrainedImageEncoder; report: TrainingReport }> {
  const set = typeof data === 'string' ? await readLabelledFolder(data) : data;
  const backboneOption = options.backbone ?? 'mobilenet-v2';
  const spec: BackboneSpec = backboneSpec(nameOf(backboneOption), options.backboneOptions ?? {});
  const backbone = typeof backboneOption === 'string' ? await loadBackbone(spec) : backboneOption;
  let keep = false;
  try {
    const t0 = performance.now();
    const features = await computeFeatures(backbone, set.files, {
      batchSize: options.featureBatchSize,
      signal: options.signal,
      onProgress: options.onFeatures,
      cacheDir: options.cacheDir,
    });
    const t1 = performance.now();
    const result = await trainOnFeatures(set, features, backbone, spec, options);
    result.report.seconds.features = (t1 - t0) / 1000;
    keep = true;
    return result;
  } finally {
    if (!keep && typeof backboneOption === 'string') await backbone.dispose?.();
  }
}

/** The part of {@link trainImageEncoder} after the backbone pass (features of `set.files` given). */
export async function trainOnFeatures(
  set: LabelledImages,
  features: FeatureTable,
  backbone: Encoder<ImageInput>,
  spec: BackboneSpec,
  options: TrainImageEncoderOptions = {},
): Promise<{ encoder: TrainedImageEncoder; report: TrainingReport }> {
  if (features.rows !== set.files.length) throw new UsageError(`features have ${features.rows} rows for ${set.files.length} images`);
  const ok = Array.from({ length: features.rows }, (_, i) => i).filter((i) => !features.failures.has(i));
  const failures = [...features.failures].map(([i, message]) => ({ file: set.files[i], message }));
  const okLabels = Int32Array.from(ok, (i) => set.labels[i]);
  const split = stratifiedSplit(okLabels, options.testFraction ?? 0.2, options.seed ?? 1);
  const trainRows = split.train.map((k) => ok[k]);
  const testRows = split.test.map((k) => ok[k]);
  const dim = features.dim;
  const trainX = gatherRows(features.data, dim, trainRows);
  const trainY = Int32Array.from(trainRows, (i) => set.labels[i]);
  const t0 = performance.now();
  const head = await trainHead(trainX, dim, trainY, options);
  const trainingSeconds = (performance.now() - t0) / 1000;
  const encoder = new TrainedImageEncoder(
    {
      kind: 'projection-head',
      name: options.name ?? `trained:${path.basename(set.root)}`,
      backbone: { ...spec, dimension: dim },
      labels: set.labelNames,
      training: { ...head.settings, trainCount: trainRows.length, testCount: testRows.length, testFraction: options.testFraction ?? 0.2 },
    },
    head.layers,
    backbone,
  );
  const figure = async (rows: number[]) => {
    const x = gatherRows(features.data, dim, rows);
    const y = Int32Array.from(rows, (i) => set.labels[i]);
    return {
      before: leaveOneOutPrecisionAt1(x, dim, y),
      after: leaveOneOutPrecisionAt1(await encoder.project(x, rows.length), encoder.dimension, y),
    };
  };
  const report: TrainingReport = {
    labels: set.labelNames,
    trainCount: trainRows.length,
    testCount: testRows.length,
    failures,
    heldOutPrecisionAt1: testRows.length >= 2 ? await figure(testRows) : null,
    trainPrecisionAt1: await figure(trainRows),
    losses: head.losses,
    seconds: { features: 0, training: trainingSeconds },
  };
  encoder.info.training.heldOutPrecisionAt1 = report.heldOutPrecisionAt1;
  return { encoder, report };
}
