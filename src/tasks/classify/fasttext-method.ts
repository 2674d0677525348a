import { FileFormatError, UsageError } from '../../errors.js';
import { dotMatrixRow } from '../../io/fasttext/model-data.js';
import { parseFastTextModel } from '../../io/fasttext/read.js';
import { encodeFastTextModel } from '../../io/fasttext/write.js';
import { FastTextModel } from '../../vectors/fasttext/fasttext-model.js';
import { FastTextClassifier } from '../../vectors/fasttext/supervised/classifier.js';
import { lineInput, lineTokens } from '../../vectors/fasttext/supervised/line-input.js';
import { hiddenOf } from '../../vectors/fasttext/supervised/predict.js';
import type { ClassifierMethod, MethodData, MethodModel } from './methods.js';
import { wordTokens } from './tfidf-ngrams.js';

const LABEL = '__label__';

/** The fastText method's state: the fastText `.bin` model bytes, base64. Its labels are `__label__<class index>`. */
interface FastTextState {
  model: string;
}

/** fastText splits on whitespace only; the method feeds it the same lower-cased word tokens as the TF-IDF features. */
function normalise(text: string): string {
  return wordTokens(text).join(' ');
}

function fastTextModel(model: FastTextModel, K: number, file?: string): MethodModel {
  const d = model.data.dictionary;
  // Dictionary label i → class index; the class prior answers texts with no known word.
  const classOf = Int32Array.from(model.labels, (l) => Number(l.slice(LABEL.length)));
  if (model.data.args.loss !== 'softmax' || !classOf.every((c, i) => model.labels[i] === `${LABEL}${c}` && c >= 0 && c < K))
    throw new FileFormatError(
      file ?? 'fasttext model',
      `fasttext state: needs a softmax model whose labels are ${LABEL}0 … ${LABEL}${K - 1}`,
    );
  const prior = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < d.nlabels; i++) total += d.counts[d.nwords + i];
  for (let i = 0; i < d.nlabels; i++) prior[classOf[i]] = d.counts[d.nwords + i] / total;
  return {
    probabilities: ({ texts }: MethodData) => {
      if (!texts) throw new UsageError('the fasttext method classifies texts only');
      const out = new Float64Array(texts.length * K);
      const scores = new Float64Array(d.nlabels);
      texts.forEach((t, r) => {
        const { rows } = lineInput(model, lineTokens(normalise(t)), LABEL);
        if (rows.length === 0) return out.set(prior, r * K);
        // Softmax over the output rows of the mean input vector (fastText's predict, without its log(p + 1e-5) rounding).
        const h = hiddenOf(model, rows);
        let max = -Infinity;
        for (let i = 0; i < d.nlabels; i++) max = Math.max(max, (scores[i] = dotMatrixRow(model.data.output, i, h)));
        let z = 0;
        for (let i = 0; i < d.nlabels; i++) z += scores[i] = Math.exp(scores[i] - max);
        for (let i = 0; i < d.nlabels; i++) out[r * K + classOf[i]] = scores[i] / z;
      });
      return out;
    },
    state: (): FastTextState => ({ model: Buffer.concat(encodeFastTextModel(model.data)).toString('base64') }),
  };
}

/**
 * 'fasttext': fastText's supervised classifier (Joulin et al. 2017; src/vectors/fasttext/supervised)
 * on the raw texts — the mean of word and hashed word n-gram vectors into a softmax, trained by SGD
 * with a linearly decaying rate, on one worker thread of the fastText kernel. Texts only; no class
 * weights (fastText has none).
 */
export const fastTextMethod: ClassifierMethod = {
  name: 'fasttext',
  description: "fastText's supervised classifier on the texts (word + word-bigram vectors, softmax, SGD); texts only",
  usesFeatures: false,
  async fit({ texts }, y, K, options) {
    if (!texts) throw new UsageError('the fasttext method classifies texts only (use logistic, svm, mlp or knn for images and audio)');
    if (options.classWeight) throw new UsageError('the fasttext method has no class weights: leave classWeight out');
    const lines = texts.map((t, i) => `${LABEL}${y[i]} ${normalise(t)}`);
    const clf = await new FastTextClassifier({
      dim: options.dim ?? 50,
      epoch: options.epochs ?? 25,
      lr: options.learningRate ?? 0.5,
      wordNgrams: options.wordNgrams ?? 2,
      bucket: options.buckets ?? 200_000,
      loss: 'softmax',
      seed: options.seed ?? 1,
      thread: 1, // one worker thread: bit-for-bit the calling-thread trainer's result
    }).fitAsync(lines, { signal: options.signal, progressInterval: 200, onProgress: (p) => options.onProgress?.(p.fraction) });
    return fastTextModel(clf.model, K);
  },
  load(state, K, file) {
    const s = state as Partial<FastTextState> | null;
    if (!s || typeof s.model !== 'string') throw new FileFormatError(file, 'fasttext state must hold the base64 model');
    const data = parseFastTextModel(`${file} (fasttext state)`, Buffer.from(s.model, 'base64'));
    return fastTextModel(new FastTextModel(data), K, file);
  },
};
