import { classificationReport, type ClassificationReport } from '../../evaluate/classification-metrics.js';
import { checkLabelled, Classifier, type ClassifierOptions, type LabelledInputs, type TrainProgress } from './classifier.js';
import { stratifiedFolds } from './stratified-folds.js';

export { stratifiedFolds } from './stratified-folds.js';

/** What {@link crossValidate} returns. */
export interface CrossValidation {
  folds: ClassificationReport[];
  meanAccuracy: number;
  meanMacroF1: number;
}

/**
 * Stratified k-fold cross-validation (seeded shuffle within each class, items dealt round-robin to
 * the folds, as scikit-learn's StratifiedKFold): trains on k − 1 folds, scores the held-out one.
 */
export async function crossValidate(data: LabelledInputs, options: ClassifierOptions & { folds?: number } = {}): Promise<CrossValidation> {
  checkLabelled(data);
  const k = options.folds ?? 5;
  const fold = Array.from(stratifiedFolds(data.labels, k, options.seed ?? 0));
  const folds: ClassificationReport[] = [];
  const labels = [...new Set(data.labels)].sort();
  for (let f = 0; f < k; f++) {
    const train = fold.flatMap((g, i) => (g !== f ? [i] : []));
    const test = fold.flatMap((g, i) => (g === f ? [i] : []));
    const pick = (rows: number[]): LabelledInputs => ({
      inputs: rows.map((i) => data.inputs[i]),
      labels: rows.map((i) => data.labels[i]),
      modality: data.modality,
    });
    const model = await Classifier.train(pick(train), {
      ...options,
      onProgress: options.onProgress && ((p: TrainProgress) => options.onProgress?.({ ...p, fraction: (f + p.fraction) / k })),
    });
    const held = pick(test);
    folds.push(classificationReport(held.labels, await model.predict(held.inputs, options.signal), labels));
  }
  return {
    folds,
    meanAccuracy: folds.reduce((s, r) => s + r.accuracy, 0) / k,
    meanMacroF1: folds.reduce((s, r) => s + r.macroF1, 0) / k,
  };
}
