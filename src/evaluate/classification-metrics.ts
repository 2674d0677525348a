import { UsageError } from '../errors.js';

/** Scores of one class in a {@link ClassificationReport}. */
export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true items of this class. */
  support: number;
}

/** What {@link classificationReport} returns; the JSON shape of `embedkit classify test`. */
export interface ClassificationReport {
  accuracy: number;
  /** Unweighted mean of the per-class F1 (classes with support or predictions). */
  macroF1: number;
  /** F1 of the pooled counts; equals accuracy for single-label classification. */
  microF1: number;
  perClass: ClassScores[];
  /** `confusion[i][j]`: items of true class `labels[i]` predicted as `labels[j]`. */
  confusion: number[][];
  labels: string[];
}

/**
 * Accuracy, per-class precision/recall/F1, macro/micro F1 and the confusion matrix of predicted
 * against true labels (scikit-learn's `classification_report` conventions: a precision or recall
 * whose denominator is 0 counts as 0). `labels` fixes the class order; by default the sorted union.
 */
export function classificationReport(
  truth: readonly string[],
  predicted: readonly string[],
  labels?: readonly string[],
): ClassificationReport {
  if (truth.length !== predicted.length)
    throw new UsageError(`classificationReport: ${truth.length} true labels but ${predicted.length} predictions`);
  if (truth.length === 0) throw new UsageError('classificationReport: no items to score');
  const order = labels ? [...labels] : [...new Set([...truth, ...predicted])].sort();
  const index = new Map(order.map((l, i) => [l, i]));
  const k = order.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = index.get(truth[i]);
    const p = index.get(predicted[i]);
    if (t === undefined || p === undefined)
      throw new UsageError(`classificationReport: label '${t === undefined ? truth[i] : predicted[i]}' is not among the labels`);
    confusion[t][p]++;
    if (t === p) correct++;
  }
  const perClass: ClassScores[] = [];
  let tpSum = 0;
  let fpSum = 0;
  let fnSum = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    let support = 0;
    let predictedAs = 0;
    for (let j = 0; j < k; j++) {
      support += confusion[c][j];
      predictedAs += confusion[j][c];
    }
    const precision = predictedAs > 0 ? tp / predictedAs : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ label: order[c], precision, recall, f1, support });
    tpSum += tp;
    fpSum += predictedAs - tp;
    fnSum += support - tp;
  }
  const macroF1 = perClass.reduce((s, c) => s + c.f1, 0) / k;
  const microF1 = tpSum > 0 ? (2 * tpSum) / (2 * tpSum + fpSum + fnSum) : 0;
  return { accuracy: correct / truth.length, macroF1, microF1, perClass, confusion, labels: order };
}
