import type { Random } from './random.js';

/** Row indices of each label, labels numbered 0 .. classes − 1. */
export function indicesByLabel(labels: ArrayLike<number>, classes: number): number[][] {
  const by: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) by[labels[i]].push(i);
  return by;
}

/**
 * Batches of one epoch for metric losses ("P×K" sampling, Hermans et al. 2017): each batch holds
 * K rows from each of P random classes (classes with ≥ 2 rows; rows drawn without replacement when
 * the class has enough), so every anchor has positives. About `rows / batchSize` batches.
 */
export function classBalancedBatches(
  byLabel: readonly number[][],
  rows: number,
  batchSize: number,
  perClass: number,
  rng: Random,
): number[][] {
  const usable = byLabel.map((_, c) => c).filter((c) => byLabel[c].length >= 2);
  if (usable.length === 0) return [];
  const k = Math.max(2, Math.min(perClass, batchSize));
  const p = Math.max(1, Math.min(usable.length, Math.floor(batchSize / k)));
  const count = Math.max(1, Math.ceil(rows / (p * k)));
  const batches: number[][] = [];
  let order: number[] = [];
  for (let b = 0; b < count; b++) {
    const batch: number[] = [];
    for (let j = 0; j < p; j++) {
      if (order.length === 0) order = rng.shuffle([...usable]);
      const members = rng.shuffle([...byLabel[order.pop()!]]);
      for (let i = 0; i < k; i++) batch.push(members[i % members.length]);
    }
    batches.push(batch);
  }
  return batches;
}

/** Shuffled mini-batches covering every row once (for the classifier loss). */
export function shuffledBatches(rows: number, batchSize: number, rng: Random): number[][] {
  const order = rng.shuffle(Array.from({ length: rows }, (_, i) => i));
  const batches: number[][] = [];
  for (let i = 0; i < rows; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/** Gathers rows `indices` of `data` (`dim` columns) into a new array. */
export function gatherRows(data: Float32Array, dim: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, k) => out.set(data.subarray(r * dim, (r + 1) * dim), k * dim));
  return out;
}
