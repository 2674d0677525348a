#!/usr/bin/env node
// Doc2Vec side by side: embedkit vs gensim's Doc2Vec (Debian python3-gensim), same documents, same
// tokens, same hyper-parameters, one run. Each tool runs in its own process under /usr/bin/time:
// it trains on the training documents (one tag each), infers vectors for the test documents, and
// writes both sets of vectors; this script then fits the same logistic regression (embedkit's
// src/tasks/classify, on unit-normalised vectors) on the training documents' vectors and scores the
// test documents' inferred vectors. Reported: test accuracy, training words/s (document tokens ×
// epochs / training seconds, vocabulary build excluded), inference seconds, peak RSS — and ratios.
//
// Labelled sets (bench/classify-data.mjs, built from local data):
//  - debian: Debian package descriptions by section (18 classes, short texts);
//  - spam: SpamAssassin e-mails, spam vs ham (longer texts).
//
//   npm run bench:doc2vec
//   npm run bench:doc2vec -- --datasets spam --modes dbow,dm --threads 2 --epochs 20 --dim 100
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const PY = '/usr/bin/python3';

// ------------------------------------------------------------------ child: embedkit's side
if (opt('child', '') === 'embedkit') {
  const [trainFile, testFile, outPrefix, cfgJson] = args.slice(2);
  const cfg = JSON.parse(cfgJson);
  const { Doc2Vec } = await import(dist('vectors/index.js'));
  const parse = (file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l)
      .map((l) => {
        const tab = l.indexOf('\t');
        return { tags: [l.slice(0, tab)], words: l.slice(tab + 1).split(' ') };
      });
  const docs = parse(trainFile);
  const d2v = new Doc2Vec({
    model: cfg.dm ? 'dm' : 'dbow',
    dbowWords: cfg.dbowWords,
    dim: cfg.dim,
    window: cfg.window,
    negative: cfg.negative,
    minCount: cfg.minCount,
    sample: cfg.sample,
    epochs: cfg.epochs,
    workers: cfg.threads,
    seed: 1,
  });
  await d2v.buildVocab(docs);
  const training = await d2v.train();
  const model = d2v.model;
  const trainVecs = new Float32Array(docs.length * cfg.dim);
  docs.forEach((d, i) => trainVecs.set(model.dv.get(d.tags[0]), i * cfg.dim));
  const tests = parse(testFile);
  const t0 = performance.now();
  const testVecs = model.inferVectors(tests.map((d) => d.words));
  const inferSeconds = (performance.now() - t0) / 1000;
  writeFileSync(`${outPrefix}-train.f32`, trainVecs);
  writeFileSync(`${outPrefix}-test.f32`, testVecs);
  console.log(JSON.stringify({ trainSeconds: training.seconds, inferSeconds }));
  process.exit(0);
}

// ------------------------------------------------------------------ child: gensim's side
const GENSIM = String.raw`
import json, sys, time
import numpy as np
from gensim.models.doc2vec import Doc2Vec, TaggedDocument
train_file, test_file, out_prefix, cfg = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
def parse(f):
    out = []
    for line in open(f, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line: continue
        tag, text = line.split('\t', 1)
        out.append(TaggedDocument(text.split(' '), [tag]))
    return out
docs = parse(train_file)
m = Doc2Vec(vector_size=cfg['dim'], window=cfg['window'], negative=cfg['negative'], hs=0, min_count=cfg['minCount'],
            sample=cfg['sample'], epochs=cfg['epochs'], dm=cfg['dm'], dbow_words=cfg['dbowWords'], workers=cfg['threads'],
            seed=1, alpha=0.025, min_alpha=0.0001)
m.build_vocab(docs)
t0 = time.time()
m.train(docs, total_examples=len(docs), epochs=m.epochs)
train_seconds = time.time() - t0
np.stack([m.dv[d.tags[0]] for d in docs]).astype(np.float32).tofile(out_prefix + '-train.f32')
tests = parse(test_file)
t0 = time.time()
vecs = np.stack([m.infer_vector(d.words) for d in tests]).astype(np.float32)
infer_seconds = time.time() - t0
vecs.tofile(out_prefix + '-test.f32')
print(json.dumps({'trainSeconds': train_seconds, 'inferSeconds': infer_seconds}))
`;

// ------------------------------------------------------------------ parent
const datasets = opt('datasets', 'debian,spam').split(',');
const modes = opt('modes', 'dbow,dbow-words,dm').split(',');
const threads = Number(opt('threads', '2'));
const base = {
  dim: Number(opt('dim', '100')),
  window: Number(opt('window', '5')),
  negative: 5,
  minCount: Number(opt('min-count', '2')),
  sample: Number(opt('sample', '1e-3')),
  epochs: Number(opt('epochs', '20')),
  threads,
};

function need(cond, msg) {
  if (!cond) {
    console.error(`bench: ${msg}`);
    process.exit(1);
  }
}
need(existsSync(join(root, 'dist/vectors/index.js')), 'dist/ is missing: run npm run build first');
need(existsSync('/usr/bin/time'), 'needs /usr/bin/time (apt-get install -y time)');
need(spawnSync(PY, ['-c', 'import gensim']).status === 0, 'needs Debian python3-gensim (apt-get install -y python3-gensim)');

const { debianSections, spamAssassin } = await import('./classify-data.mjs');
const { Tokenizer } = await import(dist('text/index.js'));
const { Classifier } = await import(dist('tasks/index.js'));
const { registerEncoder, unregisterEncoder } = await import(dist('encode/index.js'));

const work = mkdtempSync(join(tmpdir(), 'embedkit-bench-doc2vec-'));
const tokenizer = new Tokenizer();

/** Tokenized documents (embedkit's tokenizer, for both tools) as TAG<TAB>tokens; documents without tokens dropped. */
function writeDocs(file, items, prefix) {
  const kept = [];
  const lines = [];
  items.forEach((x, i) => {
    const words = tokenizer.tokenize(x.text);
    if (words.length === 0) return;
    kept.push(x);
    lines.push(`${prefix}${i}\t${words.join(' ')}`);
  });
  writeFileSync(file, lines.join('\n') + '\n');
  return { kept, tokens: lines.reduce((s, l) => s + l.split('\t')[1].split(' ').length, 0) };
}

function timed(cmd, argv) {
  const timeFile = join(work, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-v', '-o', timeFile, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  const t = readFileSync(timeFile, 'utf8');
  const rssMb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)[1]) / 1024;
  return { rssMb, ...JSON.parse(r.stdout.trim().split('\n').pop()) };
}

/** Accuracy of logistic regression on the unit-normalised train vectors, scored on the test vectors. */
async function accuracy(name, dim, trainVecs, trainLabels, testVecs, testLabels) {
  const rows = new Map();
  const add = (prefix, vecs) => {
    for (let i = 0; i < vecs.length / dim; i++) {
      const v = vecs.slice(i * dim, (i + 1) * dim);
      const n = Math.hypot(...v) || 1;
      rows.set(
        `${prefix}${i}`,
        v.map((x) => x / n),
      );
    }
  };
  add('train', trainVecs);
  add('test', testVecs);
  const encoderName = `bench-doc2vec-${name}`;
  registerEncoder(
    {
      name: encoderName,
      modality: 'text',
      dimension: dim,
      description: 'precomputed document vectors',
      requires: [],
      async load() {
        return {
          name: encoderName,
          modality: 'text',
          dimension: dim,
          async embed(inputs) {
            const data = new Float32Array(inputs.length * dim);
            inputs.forEach((k, i) => data.set(rows.get(k), i * dim));
            return { rows: inputs.length, dim, data, errors: [] };
          },
        };
      },
    },
    { replace: true },
  );
  try {
    const trainKeys = trainLabels.map((_, i) => `train${i}`);
    const testKeys = testLabels.map((_, i) => `test${i}`);
    const clf = await Classifier.train(
      { inputs: trainKeys, labels: trainLabels, modality: 'text' },
      { encoder: encoderName, features: 'embedding', seed: 1 },
    );
    const predicted = await clf.predict(testKeys);
    return predicted.filter((p, i) => p === testLabels[i]).length / testLabels.length;
  } finally {
    unregisterEncoder(encoderName);
  }
}

const readF32 = (file) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

const results = [];
try {
  for (const dataset of datasets) {
    const data = dataset === 'debian' ? debianSections() : dataset === 'spam' ? spamAssassin() : need(false, `unknown dataset ${dataset}`);
    const trainFile = join(work, `${dataset}-train.tsv`);
    const testFile = join(work, `${dataset}-test.tsv`);
    const train = writeDocs(trainFile, data.train, 'd');
    const test = writeDocs(testFile, data.test, 't');
    const trainLabels = train.kept.map((x) => x.label);
    const testLabels = test.kept.map((x) => x.label);
    console.error(`${dataset}: ${train.kept.length} train / ${test.kept.length} test documents, ${train.tokens} train tokens`);
    for (const mode of modes) {
      const cfg = { ...base, dm: mode === 'dm' ? 1 : 0, dbowWords: mode === 'dbow-words' ? 1 : 0 };
      const row = { dataset, mode, documents: train.kept.length, tokens: train.tokens };
      for (const tool of ['gensim', 'embedkit']) {
        const prefix = join(work, `${dataset}-${mode}-${tool}`);
        const argv = [trainFile, testFile, prefix, JSON.stringify(cfg)];
        const r =
          tool === 'gensim'
            ? timed(PY, ['-c', GENSIM, ...argv])
            : timed(process.execPath, [fileURLToPath(import.meta.url), '--child', 'embedkit', ...argv]);
        const acc = await accuracy(tool, cfg.dim, readF32(`${prefix}-train.f32`), trainLabels, readF32(`${prefix}-test.f32`), testLabels);
        row[tool] = { accuracy: acc, wordsPerSecond: (train.tokens * cfg.epochs) / r.trainSeconds, ...r };
        console.error(
          `  ${mode} ${tool}: accuracy ${(100 * acc).toFixed(2)} %, ${Math.round(row[tool].wordsPerSecond)} words/s, infer ${r.inferSeconds.toFixed(1)} s, peak RSS ${r.rssMb.toFixed(0)} MB`,
        );
      }
      results.push(row);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const pct = (x) => (100 * x).toFixed(2);
const lines = [
  `Doc2Vec, embedkit vs gensim ${spawnSync(PY, ['-c', 'import gensim; print(gensim.__version__)'], { encoding: 'utf8' }).stdout.trim()}: dim ${base.dim}, window ${base.window}, negative 5, min-count ${base.minCount}, sample ${base.sample}, ${base.epochs} epochs, ${threads} threads; accuracy = logistic regression on train doc vectors, scored on inferred test vectors`,
  '',
  '| set | mode | docs | tokens | accuracy gensim | accuracy embedkit | words/s gensim | words/s embedkit | speed ratio | infer s gensim | infer s embedkit | peak RSS gensim | peak RSS embedkit |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.dataset} | ${r.mode} | ${r.documents} | ${r.tokens} | ${pct(r.gensim.accuracy)} % | ${pct(r.embedkit.accuracy)} % | ${Math.round(r.gensim.wordsPerSecond / 1000)}k | ${Math.round(r.embedkit.wordsPerSecond / 1000)}k | ${(r.embedkit.wordsPerSecond / r.gensim.wordsPerSecond).toFixed(2)}× | ${r.gensim.inferSeconds.toFixed(1)} | ${r.embedkit.inferSeconds.toFixed(1)} | ${r.gensim.rssMb.toFixed(0)} MB | ${r.embedkit.rssMb.toFixed(0)} MB |`,
  ),
];
console.log(lines.join('\n'));
if (args.includes('--json')) console.log(JSON.stringify(results));
