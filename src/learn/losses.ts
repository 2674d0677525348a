/** Loss value and its gradient with respect to the rows it was computed from. */
export interface LossResult {
  loss: number;
  /** Same shape as the input rows. */
  grad: Float32Array;
  /** Anchors that contributed (metric losses skip anchors without a positive, or with zero loss). */
  active: number;
}

/** Unit-length rows of `e` (`rows × dim`) and their norms. */
export function l2NormalizeRows(e: Float32Array, rows: number, dim: number): { z: Float32Array; norms: Float64Array } {
  const z = new Float32Array(e.length);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += e[r * dim + d] ** 2;
    const n = Math.sqrt(s) + 1e-12;
    norms[r] = n;
    for (let d = 0; d < dim; d++) z[r * dim + d] = e[r * dim + d] / n;
  }
  return { z, norms };
}

/** Backprop through z = e/‖e‖: dL/de = (g − z (z·g)) / ‖e‖. */
export function l2NormalizeBackward(z: Float32Array, norms: Float64Array, gz: Float32Array, rows: number, dim: number): Float32Array {
  const ge = new Float32Array(z.length);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let zg = 0;
    for (let d = 0; d < dim; d++) zg += z[o + d] * gz[o + d];
    for (let d = 0; d < dim; d++) ge[o + d] = (gz[o + d] - z[o + d] * zg) / norms[r];
  }
  return ge;
}

function gram(z: Float32Array, rows: number, dim: number): Float64Array {
  const s = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let v = 0;
      for (let d = 0; d < dim; d++) v += z[i * dim + d] * z[j * dim + d];
      s[i * rows + j] = v;
      s[j * rows + i] = v;
    }
  }
  return s;
}

/**
 * Supervised contrastive loss, the "L_out" form of Khosla et al. 2020 (eq. 2), on unit rows z:
 * L = Σ_i −1/|P(i)| Σ_{p∈P(i)} log( exp(z_i·z_p/τ) / Σ_{a≠i} exp(z_i·z_a/τ) ), averaged over the
 * anchors i that have at least one positive (same label) in the batch.
 */
export function supConLoss(z: Float32Array, labels: ArrayLike<number>, rows: number, dim: number, temperature: number): LossResult {
  const s = gram(z, rows, dim);
  const gs = new Float64Array(rows * rows); // dL/d(z_i·z_j)
  let loss = 0;
  let active = 0;
  const q = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let positives = 0;
    for (let j = 0; j < rows; j++) if (j !== i && labels[j] === labels[i]) positives++;
    if (positives === 0) continue;
    active++;
    let max = -Infinity;
    for (let j = 0; j < rows; j++) if (j !== i) max = Math.max(max, s[i * rows + j] / temperature);
    let sum = 0;
    for (let j = 0; j < rows; j++) {
      q[j] = j === i ? 0 : Math.exp(s[i * rows + j] / temperature - max);
      sum += q[j];
    }
    const logSum = max + Math.log(sum);
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      const positive = labels[j] === labels[i];
      if (positive) loss += (logSum - s[i * rows + j] / temperature) / positives;
      // d/ds_ij of [logsumexp − mean over positives] = softmax_j − [j ∈ P]/|P|, times 1/τ.
      gs[i * rows + j] += (q[j] / sum - (positive ? 1 / positives : 0)) / temperature;
    }
  }
  const grad = new Float32Array(rows * dim);
  if (active === 0) return { loss: 0, grad, active };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      const g = (gs[i * rows + j] + gs[j * rows + i]) / active;
      if (g === 0) continue;
      for (let d = 0; d < dim; d++) grad[i * dim + d] += g * z[j * dim + d];
    }
  }
  return { loss: loss / active, grad, active };
}

/**
 * Batch-hard triplet loss (Hermans et al. 2017), on unit rows z with Euclidean distances: for each
 * anchor, its farthest positive and nearest negative in the batch, loss max(0, m + d(a,p) − d(a,n)),
 * averaged over the anchors having both.
 */
export function batchHardTripletLoss(z: Float32Array, labels: ArrayLike<number>, rows: number, dim: number, margin: number): LossResult {
  const s = gram(z, rows, dim);
  const dist = (i: number, j: number) => Math.sqrt(Math.max(0, 2 - 2 * s[i * rows + j]) + 1e-12);
  const grad = new Float32Array(rows * dim);
  let loss = 0;
  let counted = 0;
  let active = 0;
  const pull = (a: number, b: number, dab: number, sign: number) => {
    // d‖z_a − z_b‖/dz_a = (z_a − z_b)/‖z_a − z_b‖.
    for (let d = 0; d < dim; d++) {
      const g = (sign * (z[a * dim + d] - z[b * dim + d])) / dab;
      grad[a * dim + d] += g;
      grad[b * dim + d] -= g;
    }
  };
  const terms: [number, number, number, number, number][] = [];
  for (let a = 0; a < rows; a++) {
    let p = -1;
    let n = -1;
    let dp = -Infinity;
    let dn = Infinity;
    for (let j = 0; j < rows; j++) {
      if (j === a) continue;
      const d = dist(a, j);
      if (labels[j] === labels[a]) {
        if (d > dp) [dp, p] = [d, j];
      } else if (d < dn) [dn, n] = [d, j];
    }
    if (p < 0 || n < 0) continue;
    counted++;
    const l = margin + dp - dn;
    if (l <= 0) continue;
    loss += l;
    active++;
    terms.push([a, p, dp, n, dn]);
  }
  if (counted === 0) return { loss: 0, grad, active: 0 };
  for (const [a, p, dp, n, dn] of terms) {
    pull(a, p, dp, 1 / counted);
    pull(a, n, dn, -1 / counted);
  }
  return { loss: loss / counted, grad, active };
}

/**
 * Triplet loss with semi-hard negatives (Schroff et al. 2015, FaceNet §3.2), on unit rows z: for
 * every anchor–positive pair (a, p), the nearest negative n farther than the positive,
 * d(a,p) < d(a,n) (the hardest negative when none is farther), loss max(0, m + d(a,p) − d(a,n)),
 * averaged over all pairs.
 */
export function semiHardTripletLoss(z: Float32Array, labels: ArrayLike<number>, rows: number, dim: number, margin: number): LossResult {
  const s = gram(z, rows, dim);
  const dist = (i: number, j: number) => Math.sqrt(Math.max(0, 2 - 2 * s[i * rows + j]) + 1e-12);
  const grad = new Float32Array(rows * dim);
  const terms: [number, number, number, number, number][] = [];
  let pairs = 0;
  let loss = 0;
  for (let a = 0; a < rows; a++) {
    for (let p = 0; p < rows; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      const dp = dist(a, p);
      let semi = -1;
      let dSemi = Infinity;
      let hard = -1;
      let dHard = Infinity;
      for (let n = 0; n < rows; n++) {
        if (labels[n] === labels[a]) continue;
        const dn = dist(a, n);
        if (dn < dHard) [dHard, hard] = [dn, n];
        if (dn > dp && dn < dSemi) [dSemi, semi] = [dn, n];
      }
      if (hard < 0) continue;
      pairs++;
      const [n, dn] = semi >= 0 ? [semi, dSemi] : [hard, dHard];
      const l = margin + dp - dn;
      if (l <= 0) continue;
      loss += l;
      terms.push([a, p, dp, n, dn]);
    }
  }
  if (pairs === 0) return { loss: 0, grad, active: 0 };
  const pull = (a: number, b: number, dab: number, w: number) => {
    for (let d = 0; d < dim; d++) {
      const g = (w * (z[a * dim + d] - z[b * dim + d])) / dab;
      grad[a * dim + d] += g;
      grad[b * dim + d] -= g;
    }
  };
  for (const [a, p, dp, n, dn] of terms) {
    pull(a, p, dp, 1 / pairs);
    pull(a, n, dn, -1 / pairs);
  }
  return { loss: loss / pairs, grad, active: terms.length };
}

/** Softmax cross-entropy of `rows × classes` logits against integer labels, averaged over rows. */
export function softmaxCrossEntropy(logits: Float32Array, labels: ArrayLike<number>, rows: number, classes: number): LossResult {
  const grad = new Float32Array(rows * classes);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c] - max);
    const y = labels[r];
    loss += max + Math.log(sum) - logits[o + y];
    for (let c = 0; c < classes; c++) grad[o + c] = (Math.exp(logits[o + c] - max) / sum - (c === y ? 1 : 0)) / rows;
  }
  return { loss: loss / rows, grad, active: rows };
}
