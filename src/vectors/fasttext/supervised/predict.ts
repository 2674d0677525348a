import { addMatrixRow, dotMatrixRow } from '../../../io/fasttext/model-data.js';
import type { FastTextModel } from '../fasttext-model.js';
import { buildLabelTree, type TreeNode } from './hs-tree.js';

/** One predicted label and its probability. */
export interface Prediction {
  label: string;
  probability: number;
}

/** fastText's sigmoid for one-vs-all outputs (Loss::sigmoid): a 512-entry table over [-8, 8]. */
const SIGMOID_TABLE = Float32Array.from({ length: 513 }, (_, i) => 1 / (1 + Math.exp(-((i * 16) / 512 - 8))));
function tableSigmoid(x: number): number {
  if (x < -8) return 0;
  if (x > 8) return 1;
  return SIGMOID_TABLE[Math.trunc(((x + 8) * 512) / 16)];
}

/** fastText's std_log: log(x + 1e-5). */
const stdLog = (x: number) => Math.log(x + 1e-5);

/** The mean of the input rows (Model::computeHidden). */
export function hiddenOf(model: FastTextModel, rows: readonly number[]): Float32Array {
  const h = new Float32Array(model.dim);
  for (const r of rows) addMatrixRow(model.data.input, r, h);
  if (rows.length > 0) for (let j = 0; j < h.length; j++) h[j] /= rows.length;
  return h;
}

const trees = new WeakMap<FastTextModel, TreeNode[]>();

/**
 * The `k` most probable labels with probability ≥ `threshold`, best first (fastText's predict for
 * softmax, one-vs-all, negative sampling and hierarchical softmax; log-probabilities compared as
 * fastText does, so ties and rounding match). Empty `rows`: no prediction.
 */
export function predictRows(model: FastTextModel, rows: readonly number[], k: number, threshold: number): Prediction[] {
  if (rows.length === 0 || k <= 0) return [];
  const d = model.data.dictionary;
  const out = model.data.output;
  const hidden = hiddenOf(model, rows);
  const n = d.nlabels;
  const heap: [number, number][] = []; // (log-prob, label); kept sorted best first, length ≤ k
  const offer = (score: number, label: number) => {
    if (heap.length === k && score < heap[heap.length - 1][0]) return;
    let i = heap.length;
    while (i > 0 && heap[i - 1][0] < score) i--;
    heap.splice(i, 0, [score, label]);
    if (heap.length > k) heap.pop();
  };
  if (model.data.args.loss === 'hs') {
    let tree = trees.get(model);
    if (!tree) trees.set(model, (tree = buildLabelTree(d.counts.subarray(d.nwords))));
    const logThreshold = stdLog(threshold);
    const dfs = (node: number, score: number) => {
      if (score < logThreshold) return;
      if (heap.length === k && score < heap[heap.length - 1][0]) return;
      const t = tree![node];
      if (t.left === -1 && t.right === -1) return offer(score, node);
      const f = 1 / (1 + Math.exp(-dotMatrixRow(out, node - n, hidden)));
      dfs(t.left, score + stdLog(1 - f));
      dfs(t.right, score + stdLog(f));
    };
    dfs(2 * n - 2, 0);
  } else {
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) scores[i] = dotMatrixRow(out, i, hidden);
    if (model.data.args.loss === 'softmax') {
      let max = -Infinity;
      for (const s of scores) max = Math.max(max, s);
      let z = 0;
      for (let i = 0; i < n; i++) z += scores[i] = Math.exp(scores[i] - max);
      for (let i = 0; i < n; i++) scores[i] /= z;
    } else {
      for (let i = 0; i < n; i++) scores[i] = tableSigmoid(Math.fround(scores[i]));
    }
    for (let i = 0; i < n; i++) {
      if (scores[i] < threshold) continue;
      offer(stdLog(scores[i]), i);
    }
  }
  return heap.map(([score, label]) => ({ label: d.words[d.nwords + label], probability: Math.exp(score) }));
}
