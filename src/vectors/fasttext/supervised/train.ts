import { EmbedkitError, FileFormatError } from '../../../errors.js';
import type { FastTextModelData } from '../../../io/fasttext/model-data.js';
import { mulberry32 } from '../../../math/random.js';
import { buildAliasTable } from '../../../math/alias-table.js';
import { FastTextModel } from '../fasttext-model.js';
import { buildLabelTree, labelPath } from './hs-tree.js';
import { lineInput, lineTokens } from './line-input.js';
import { resolveSupervisedOptions, type SupervisedOptions } from './options.js';

/** Figures of a supervised training run. */
export interface SupervisedTrainResult {
  examples: number;
  words: number;
  labels: number;
  seconds: number;
}

/**
 * Builds the dictionary of labelled lines (fastText's order: words by decreasing count, then
 * labels by decreasing count; `</s>` ends every line).
 */
function buildDictionary(
  lines: readonly string[][],
  o: ReturnType<typeof resolveSupervisedOptions>,
  source: string,
): FastTextModelData['dictionary'] {
  const words = new Map<string, number>();
  const labels = new Map<string, number>();
  let ntokens = 0;
  for (const tokens of lines) {
    for (const t of tokens) {
      ntokens++;
      const m = t.startsWith(o.label) ? labels : words;
      m.set(t, (m.get(t) ?? 0) + 1);
    }
  }
  const sorted = (m: Map<string, number>, min: number) =>
    [...m].filter(([, c]) => c >= min).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const ws = sorted(words, o.minCount);
  const ls = sorted(labels, o.minCountLabel);
  if (ls.length === 0) throw new FileFormatError(source, `no labels: every example needs at least one label starting with '${o.label}'`);
  const all = [...ws, ...ls];
  return {
    words: all.map(([w]) => w),
    counts: Float64Array.from(all, ([, c]) => c),
    nwords: ws.length,
    nlabels: ls.length,
    ntokens,
    pruneIndex: undefined,
  };
}

/**
 * Trains a fastText text classifier (Joulin et al. 2017, "Bag of Tricks for Efficient Text
 * Classification"): the mean of word (and word n-gram, character n-gram) vectors feeds a linear
 * classifier trained by SGD with a linearly decaying learning rate — softmax, hierarchical softmax,
 * one-vs-all or negative sampling over labels. `lines` are fastText's format: labels
 * (`__label__x`) and words separated by whitespace, one example per line. Deterministic for a seed.
 */
export function trainSupervised(
  lines: Iterable<string>,
  options: SupervisedOptions = {},
  source = 'training data',
): { model: FastTextModel; result: SupervisedTrainResult } {
  const t0 = performance.now();
  const o = resolveSupervisedOptions(options);
  const tokenized: string[][] = [];
  for (const line of lines) if (line.trim().length > 0) tokenized.push(lineTokens(line));
  if (tokenized.length === 0) throw new FileFormatError(source, 'no examples (every line is empty)');
  const dictionary = buildDictionary(tokenized, o, source);
  const dim = o.dim;
  const rows = dictionary.nwords + o.bucket;
  const random = mulberry32(o.seed);
  const input = new Float32Array(rows * dim);
  for (let i = 0; i < input.length; i++) input[i] = (random() * 2 - 1) / dim;
  const nl = dictionary.nlabels;
  const output = new Float32Array(nl * dim);
  const data: FastTextModelData = {
    args: {
      dim,
      ws: 5,
      epoch: o.epoch,
      minCount: o.minCount,
      neg: o.neg,
      wordNgrams: o.wordNgrams,
      loss: o.loss,
      model: 'supervised',
      bucket: o.bucket,
      minn: o.minn,
      maxn: o.maxn,
      lrUpdateRate: 100,
      t: 1e-4,
    },
    dictionary,
    input: { kind: 'dense', rows, cols: dim, data: input },
    output: { kind: 'dense', rows: nl, cols: dim, data: output },
  };
  const model = new FastTextModel(data);

  // Each example's input rows and labels, computed once (they do not change between epochs).
  const offsets: number[] = [0];
  const flat: number[] = [];
  const labelOffsets: number[] = [0];
  const labelFlat: number[] = [];
  for (const tokens of tokenized) {
    const { rows: r, labels } = lineInput(model, tokens, o.label);
    if (r.length === 0 || labels.length === 0) continue; // fastText skips these too
    flat.push(...r);
    labelFlat.push(...labels);
    offsets.push(flat.length);
    labelOffsets.push(labelFlat.length);
  }
  const examples = offsets.length - 1;
  if (examples === 0) throw new EmbedkitError(`${source}: no example has both a known label and a word`);
  const exRows = Int32Array.from(flat);
  const exLabels = Int32Array.from(labelFlat);

  const labelCounts = dictionary.counts.subarray(dictionary.nwords);
  const tree = o.loss === 'hs' ? buildLabelTree(labelCounts) : undefined;
  const paths = tree ? Array.from({ length: nl }, (_, i) => labelPath(tree, nl, i)) : undefined;
  const noise = o.loss === 'ns' ? buildAliasTable(Float64Array.from(labelCounts, (c) => Math.sqrt(c))) : undefined;
  const drawNoise = () => {
    const i = Math.floor(random() * nl);
    return random() * 4294967296 <= noise!.prob[i] ? i : noise!.alias[i];
  };

  const hidden = new Float32Array(dim);
  const grad = new Float32Array(dim);
  const scores = new Float32Array(nl);
  /** binaryLogistic: one logistic output `row` with label `positive`, learning rate `lr`. */
  const logistic = (row: number, positive: boolean, lr: number) => {
    const o2 = row * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += output[o2 + j] * hidden[j];
    const alpha = lr * ((positive ? 1 : 0) - 1 / (1 + Math.exp(-s)));
    for (let j = 0; j < dim; j++) {
      grad[j] += alpha * output[o2 + j];
      output[o2 + j] += alpha * hidden[j];
    }
  };
  const total = examples * o.epoch;
  for (let step = 0; step < total; step++) {
    const e = step % examples;
    const lr = o.lr * (1 - step / total);
    const r0 = offsets[e];
    const r1 = offsets[e + 1];
    const m = r1 - r0;
    hidden.fill(0);
    for (let k = r0; k < r1; k++) {
      const base = exRows[k] * dim;
      for (let j = 0; j < dim; j++) hidden[j] += input[base + j];
    }
    for (let j = 0; j < dim; j++) hidden[j] /= m;
    grad.fill(0);
    const l0 = labelOffsets[e];
    const l1 = labelOffsets[e + 1];
    if (o.loss === 'ova') {
      for (let i = 0; i < nl; i++) {
        let positive = false;
        for (let k = l0; k < l1; k++) if (exLabels[k] === i) positive = true;
        logistic(i, positive, lr);
      }
    } else {
      // One label per example, drawn at random among the line's labels (fastText's supervised()).
      const target = exLabels[l0 + Math.floor(random() * (l1 - l0))];
      if (o.loss === 'softmax') {
        let max = -Infinity;
        for (let i = 0; i < nl; i++) {
          let s = 0;
          const b = i * dim;
          for (let j = 0; j < dim; j++) s += output[b + j] * hidden[j];
          scores[i] = s;
          if (s > max) max = s;
        }
        let z = 0;
        for (let i = 0; i < nl; i++) z += scores[i] = Math.exp(scores[i] - max);
        for (let i = 0; i < nl; i++) {
          const alpha = lr * ((i === target ? 1 : 0) - scores[i] / z);
          const b = i * dim;
          for (let j = 0; j < dim; j++) {
            grad[j] += alpha * output[b + j];
            output[b + j] += alpha * hidden[j];
          }
        }
      } else if (o.loss === 'hs') {
        const p = paths![target];
        for (let k = 0; k < p.nodes.length; k++) logistic(p.nodes[k], p.codes[k], lr);
      } else {
        logistic(target, true, lr);
        for (let k = 0; k < o.neg; k++) {
          let neg: number;
          do neg = drawNoise();
          while (neg === target && nl > 1);
          if (neg !== target) logistic(neg, false, lr);
        }
      }
    }
    // Supervised models spread the gradient over the inputs (Model::update: grad × 1/|input|).
    for (let j = 0; j < dim; j++) grad[j] /= m;
    for (let k = r0; k < r1; k++) {
      const base = exRows[k] * dim;
      for (let j = 0; j < dim; j++) input[base + j] += grad[j];
    }
  }
  return {
    model,
    result: { examples, words: dictionary.nwords, labels: nl, seconds: (performance.now() - t0) / 1000 },
  };
}
