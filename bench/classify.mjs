// Text classification side by side, macro-F1 and accuracy on fixed splits (bench/classify-data.mjs):
//   embedkit Classifier methods on TF-IDF word 1-2-grams + char_wb 2-5-grams: logistic regression (L-BFGS,
//   C = 4; what the default 'auto' picks on sets this size), linear SVM, MLP (one hidden layer of 128,
//   AdamW, early stopping), and 'fasttext' (its supervised trainer on the texts, embedkit's defaults);
//   scikit-learn 1.2 TfidfVectorizer() + LogisticRegression() (defaults, max_iter 1000)
//   and the same with embedkit's features (word 1-2 + char_wb 2-5, sublinear tf, min_df 2);
//   Debian's `fasttext supervised` CLI with its defaults and with -epoch 25 -wordNgrams 2.
// Times are train + predict wall seconds on this machine (all single-threaded except fastText,
// given -thread 2).
// Usage: npm run build && node bench/classify.mjs [--methods logistic,svm,mlp,fasttext] [--sets debian,spam]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianSections, fastTextLines, spamAssassin } from './classify-data.mjs';

const { Classifier } = await import('../dist/tasks/classify/classifier.js');
const { classificationReport } = await import('../dist/evaluate/classification-metrics.js');

const arg = (flag, dflt) => {
  const i = process.argv.indexOf(flag);
  return (i >= 0 ? process.argv[i + 1] : dflt).split(',');
};
const METHODS = arg('--methods', 'logistic,svm,mlp,fasttext');
const SETS = arg('--sets', 'debian,spam');

const dir = mkdtempSync(join(tmpdir(), 'bench-classify-'));
const rows = [];
const score = (set, name, truth, pred, seconds) => {
  const r = classificationReport(truth, pred);
  rows.push({ set, name, macroF1: r.macroF1, accuracy: r.accuracy, seconds });
};
try {
  for (const [set, d] of [
    ...(SETS.includes('debian') ? [['debian-sections (18 classes)', debianSections()]] : []),
    ...(SETS.includes('spam') ? [['spam-assassin (2 classes)', spamAssassin()]] : []),
  ]) {
    const truth = d.test.map((x) => x.label);
    const train = { inputs: d.train.map((x) => x.text), labels: d.train.map((x) => x.label), modality: 'text' };
    for (const method of METHODS) {
      const t = performance.now();
      const model = await Classifier.train(train, { method });
      const pred = await model.predict(d.test.map((x) => x.text));
      score(set, `embedkit ${method}`, truth, pred, (performance.now() - t) / 1000);
      console.error(`${set}: embedkit ${method} ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    writeFileSync(join(dir, 'train.txt'), fastTextLines(d.train));
    writeFileSync(join(dir, 'test.txt'), fastTextLines(d.test));
    writeFileSync(join(dir, 'train.json'), JSON.stringify(d.train));
    writeFileSync(join(dir, 'test.json'), JSON.stringify(d.test));
    const py = `
import json, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union
train = json.load(open(sys.argv[1])); test = json.load(open(sys.argv[2]))
out = {}
for name, vec in [
    ("default", lambda: TfidfVectorizer()),
    ("words+chars", lambda: make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2))),
]:
    t = time.perf_counter()
    m = make_pipeline(vec(), LogisticRegression(max_iter=1000)).fit([x["text"] for x in train], [x["label"] for x in train])
    pred = m.predict([x["text"] for x in test]).tolist()
    out[name] = [pred, time.perf_counter() - t]
print(json.dumps(out))`;
    const sk = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', py, join(dir, 'train.json'), join(dir, 'test.json')], {
        maxBuffer: 1 << 28,
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      }).toString(),
    );
    score(set, 'scikit-learn TfidfVectorizer() + LogisticRegression()', truth, sk.default[0], sk.default[1]);
    score(set, 'scikit-learn words 1-2 + char_wb 2-5 + LogisticRegression()', truth, sk['words+chars'][0], sk['words+chars'][1]);
    for (const [name, extra] of [
      ['fasttext supervised (defaults)', []],
      ['fasttext supervised -epoch 25 -wordNgrams 2', ['-epoch', '25', '-wordNgrams', '2']],
    ]) {
      const t = performance.now();
      execFileSync(
        'fasttext',
        ['supervised', '-input', join(dir, 'train.txt'), '-output', join(dir, 'ft'), '-thread', '2', '-seed', '1', ...extra],
        {
          stdio: 'ignore',
        },
      );
      const pred = execFileSync('fasttext', ['predict', join(dir, 'ft.bin'), join(dir, 'test.txt')], { maxBuffer: 1 << 28 })
        .toString()
        .trim()
        .split('\n')
        .map((l) => l.replace('__label__', ''));
      score(set, name, truth, pred, (performance.now() - t) / 1000);
    }
    console.error(`done: ${set} (${d.train.length} train, ${d.test.length} test)`);
  }
  console.log('| set | classifier | macro-F1 | accuracy | seconds |');
  console.log('|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.set} | ${r.name} | ${r.macroF1.toFixed(4)} | ${r.accuracy.toFixed(4)} | ${r.seconds.toFixed(1)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
