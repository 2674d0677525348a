import { classificationReport } from '../../evaluate/classification-metrics.js';
import { selectRows } from './features.js';
import { fitMethod } from './fit-method.js';
import { classifierMethod, type MethodData, type MethodOptions } from './methods.js';
import { stratifiedFolds } from './stratified-folds.js';

/** How {@link chooseMethod} picked the method. */
export interface MethodSelection {
  method: string;
  by: 'cross-validation' | 'rule';
  /** One sentence: why this method. */
  reason: string;
  /** Cross-validation: mean macro-F1 over the folds and the seconds of each candidate. */
  scores?: { method: string; macroF1: number; seconds: number }[];
  folds?: number;
}

/** Options of the automatic choice. */
export interface AutoMethodOptions {
  /** Cross-validate the candidates when the data has at most this many rows. Default 3000. */
  autoMaxRows?: number;
  /** Folds of that cross-validation. Default 3. */
  autoFolds?: number;
  /** A cheaper candidate within this much macro-F1 of the best is preferred. Default 0.005. */
  autoTolerance?: number;
}

/**
 * The candidates, cheapest first: logistic regression (calibrated probabilities, seconds on 10⁴
 * short texts), the MLP, and for texts without class weights fastText. The linear SVM is left out
 * (5–6× logistic's time on the text benchmarks for +0.004 macro-F1, uncalibrated scores) and kNN too
 * (below logistic on every set we measured).
 */
export function autoCandidates(data: MethodData, options: MethodOptions): string[] {
  return ['logistic', 'mlp', ...(data.texts && !options.classWeight ? ['fasttext'] : [])];
}

/**
 * Picks a method for the data (`method: 'auto'`, the default): with at most `autoMaxRows` rows and
 * every class holding ≥ `autoFolds` rows, stratified k-fold cross-validation of the candidates on
 * the already computed features (the TF-IDF vocabulary was fitted on all rows, which flatters the
 * feature-based candidates a little), keeping the cheapest within `autoTolerance` of the best mean
 * macro-F1; otherwise logistic regression, the strongest candidate on the larger benchmark sets
 * (docs/benchmarks.md) and the fastest.
 */
export async function chooseMethod(
  data: MethodData,
  y: Int32Array,
  K: number,
  options: MethodOptions & AutoMethodOptions,
): Promise<MethodSelection> {
  const n = y.length;
  const maxRows = options.autoMaxRows ?? 3000;
  const k = options.autoFolds ?? 3;
  const counts = new Int32Array(K);
  for (const c of y) counts[c]++;
  if (n > maxRows)
    return {
      method: 'logistic',
      by: 'rule',
      reason: `${n} rows > ${maxRows}: logistic regression, the strongest and fastest on large sets`,
    };
  if (counts.some((c) => c < k))
    return { method: 'logistic', by: 'rule', reason: `a class has fewer than ${k} rows: too few to cross-validate; logistic regression` };
  const labels = Array.from(y, String);
  const fold = stratifiedFolds(labels, k, options.seed ?? 0);
  const scores: NonNullable<MethodSelection['scores']> = [];
  const candidates = autoCandidates(data, options);
  let fits = 0;
  const fitOptions = {
    ...options,
    // overall share of the candidates × folds fits
    onProgress: options.onProgress && ((f: number) => options.onProgress?.((fits + f) / (candidates.length * k))),
  };
  for (const name of candidates) {
    const method = classifierMethod(name);
    const t0 = performance.now();
    let sum = 0;
    for (let f = 0; f < k; f++) {
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
      const part = (rows: number[]): MethodData => ({
        features: selectRows(data.features, rows),
        texts: data.texts ? rows.map((i) => data.texts![i]) : undefined,
      });
      const model = await fitMethod(
        method,
        part(train),
        Int32Array.from(train, (i) => y[i]),
        K,
        fitOptions,
      );
      fits++;
      const p = model.probabilities(part(test));
      const predicted = test.map((_, r) => {
        let best = 0;
        for (let c = 1; c < K; c++) if (p[r * K + c] > p[r * K + best]) best = c;
        return String(best);
      });
      sum += classificationReport(
        test.map((i) => labels[i]),
        predicted,
      ).macroF1;
    }
    scores.push({ method: name, macroF1: sum / k, seconds: (performance.now() - t0) / 1000 });
  }
  const best = Math.max(...scores.map((s) => s.macroF1));
  const tolerance = options.autoTolerance ?? 0.005;
  const chosen = scores.find((s) => s.macroF1 >= best - tolerance)!;
  return {
    method: chosen.method,
    by: 'cross-validation',
    reason: `best ${k}-fold macro-F1 (${chosen.macroF1.toFixed(4)}; a cheaper method within ${tolerance} of the best is preferred)`,
    scores,
    folds: k,
  };
}
