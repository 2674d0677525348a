// Utility vs privacy: DP-SGD logistic regression (embedkit classify train --dp-epsilon) at
// ε ∈ {1, 4, 8} and without noise (ε = ∞: the same clipped SGD), next to the non-private L-BFGS fit
// of the same features, on the sets of bench/classify-data.mjs. Features: TF-IDF word 1–2-grams
// (at most 20 000, fitted on the training texts — not private, see docs/privacy.md); DP-SGD
// defaults (expected batch n/10, 20 epochs, clip 1, lr 0.5, momentum 0.9), δ = min(1e-5, 0.1/n).
// Each DP row is the mean over --seeds seeds (sampling and noise), with the spread (max − min).
// Usage: npm run build && node bench/dp.mjs [--sets spam,debian] [--seeds 3]
import { debianSections, spamAssassin } from './classify-data.mjs';

const { Classifier } = await import('../dist/tasks/classify/classifier.js');
const { classificationReport } = await import('../dist/evaluate/classification-metrics.js');
const { dpSgdLinearFitter } = await import('../dist/privacy/dp/dp-sgd.js');

const arg = (flag, dflt) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const SETS = arg('--sets', 'spam,debian').split(',');
const SEEDS = Number(arg('--seeds', '3'));
const tfidf = { wordNgrams: [1, 2], charNgrams: null, maxFeatures: 20000 };

const rows = [];
for (const [set, d] of [
  ...(SETS.includes('spam') ? [['spam-assassin (2 classes)', spamAssassin()]] : []),
  ...(SETS.includes('debian') ? [['debian-sections (18 classes)', debianSections()]] : []),
]) {
  const train = { inputs: d.train.map((x) => x.text), labels: d.train.map((x) => x.label), modality: 'text' };
  const tests = d.test.map((x) => x.text);
  const truth = d.test.map((x) => x.label);
  const evaluate = async (options) => {
    const t0 = performance.now();
    const model = await Classifier.train(train, { method: 'logistic', tfidf, ...options });
    const r = classificationReport(truth, await model.predict(tests));
    return { macroF1: r.macroF1, accuracy: r.accuracy, seconds: (performance.now() - t0) / 1000 };
  };
  const base = await evaluate({});
  rows.push({ set, name: 'L-BFGS, not private', epsilon: '—', ...base, spread: 0, sigma: '—' });
  for (const epsilon of [1, 4, 8, Infinity]) {
    const runs = [];
    let plan;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const fitter = dpSgdLinearFitter({ epsilon, seed });
      runs.push(await evaluate({ linearFitter: fitter.fit }));
      plan = fitter.plan;
    }
    const mean = (k) => runs.reduce((s, r) => s + r[k], 0) / runs.length;
    const f1s = runs.map((r) => r.macroF1);
    rows.push({
      set,
      name: epsilon === Infinity ? 'DP-SGD, no noise (clipping only)' : 'DP-SGD',
      epsilon: epsilon === Infinity ? '∞' : plan.epsilon.toFixed(3),
      macroF1: mean('macroF1'),
      accuracy: mean('accuracy'),
      seconds: mean('seconds'),
      spread: Math.max(...f1s) - Math.min(...f1s),
      sigma: plan.noiseMultiplier.toFixed(3),
      steps: plan.steps,
      n: plan.examples,
      delta: plan.delta,
    });
  }
}
console.log(`| set | training | ε (δ) | noise multiplier | macro-F1 | spread | accuracy | seconds |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.set} | ${r.name} | ${r.epsilon}${r.delta ? ` (${r.delta.toExponential(0)})` : ''} | ${r.sigma} | ${r.macroF1.toFixed(4)} | ${r.spread ? r.spread.toFixed(4) : '—'} | ${r.accuracy.toFixed(4)} | ${r.seconds.toFixed(1)} |`,
  );
const firstDp = rows.find((r) => r.steps);
if (firstDp)
  console.log(`DP-SGD: ${firstDp.steps} steps of expected batch ${Math.round(firstDp.n / 10)} (n = ${firstDp.n}), mean of ${SEEDS} seeds`);
