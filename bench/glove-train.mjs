#!/usr/bin/env node
// GloVe training next to word2vec skip-gram, one run each, same corpus, same tokenizer, 2 threads:
// wall and CPU seconds of the whole process (scan + counting/training + writing), peak RSS, and
// analogy accuracy (questions-words, restrict_vocab 30000, gensim's evaluator) plus WordSim-353.
// Debian packages no reference GloVe (apt-cache search glove finds none), so the anchor is
// embedkit's own word2vec skip-gram, as the issue's target reads (time <= skip-gram's, analogy >= 30 %).
//
//   npm run bench:glove-train                                  # full ../shared/corpus/corpus.txt.gz
//   npm run bench:glove-train -- --lines 200000                 # the first 200k lines only
//   npm run bench:glove-train -- --glove-epochs 15 --x-max 10 --window 10 --threads 2
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '../shared');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const corpusArg = resolve(opt('corpus', join(shared, 'corpus/corpus.txt.gz')));
const lines = Number(opt('lines', '0'));
const threads = opt('threads', '2');
const gloveEpochs = opt('glove-epochs', '25');
const xMax = opt('x-max', '100');
const gloveWindow = opt('window', '10');
const evalDir = resolve(opt('eval-dir', join(shared, 'eval')));
const PY = '/usr/bin/python3';
const cli = join(root, 'dist/cli/main.js');

function need(cond, msg) {
  if (!cond) {
    console.error(`bench: ${msg}`);
    process.exit(1);
  }
}
need(existsSync(cli), 'dist/ is missing: run npm run build first');
need(existsSync('/usr/bin/time'), 'needs /usr/bin/time (apt-get install -y time)');
need(spawnSync(PY, ['-c', 'import gensim']).status === 0, 'needs Debian python3-gensim (apt-get install -y python3-gensim)');

const work = mkdtempSync(join(tmpdir(), 'embedkit-bench-glove-'));
let corpus = join(work, 'corpus.txt');
if (corpusArg.endsWith('.gz')) await pipeline(createReadStream(corpusArg), createGunzip(), createWriteStream(corpus));
else corpus = corpusArg;
if (lines > 0) {
  const slice = join(work, 'slice.txt');
  execFileSync('sh', ['-c', `head -n ${lines} '${corpus}' > '${slice}'`]);
  corpus = slice;
}
const tokens = Number(
  execFileSync('sh', ['-c', `wc -w < '${corpus}'`])
    .toString()
    .trim(),
);
console.error(`corpus ${corpusArg}${lines > 0 ? ` (first ${lines} lines)` : ''}: ${tokens} tokens; work dir ${work}`);

function timed(argv, prefix) {
  const r = spawnSync('/usr/bin/time', ['-v', '-o', `${prefix}.time`, 'node', cli, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`embedkit ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const t = readFileSync(`${prefix}.time`, 'utf8');
  const parts = /Elapsed \(wall clock\) time.*: (\S+)/.exec(t)[1].split(':').map(Number);
  const wall = parts.length === 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
  const rssMb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)[1]) / 1024;
  const cpu = Number(/User time \(seconds\): (\S+)/.exec(t)[1]) + Number(/System time \(seconds\): (\S+)/.exec(t)[1]);
  return { wall, rssMb, cpu, result: JSON.parse(r.stdout) };
}

const common = ['--input', corpus, '--format', 'w2v-text', '--dim', '100', '--min-count', '5', '--threads', threads, '--json', '-q'];
const runs = [
  { name: 'word2vec skip-gram', argv: ['--model', 'skipgram', '--window', '5', '--negative', '5', '--sample', '1e-3', '--epochs', '5'] },
  {
    name: 'GloVe',
    argv: [
      '--model',
      'glove',
      '--window',
      gloveWindow,
      '--epochs',
      gloveEpochs,
      '--x-max',
      xMax,
      '--weight-exponent',
      '0.75',
      '--eta',
      '0.05',
    ],
  },
];
const rows = [];
for (const run of runs) {
  const prefix = join(work, run.name.replace(/\W+/g, '-'));
  const vec = `${prefix}.vec`;
  const argv = ['train', ...common, ...run.argv, '--output', vec];
  console.error(`== ${run.name}: embedkit ${argv.join(' ')}`);
  const r = timed(argv, prefix);
  const q = JSON.parse(
    execFileSync(PY, [join(shared, 'anchors/word2vec/tools/eval_vectors.py'), vec, evalDir], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop(),
  );
  rows.push({ name: run.name, ...r, analogy: q.analogy_acc, ws353: q.ws353_rho });
  console.error(JSON.stringify(rows.at(-1)));
  rmSync(vec, { force: true });
}

const f = (x, d = 1) => x.toFixed(d);
const [w2v, glove] = rows;
console.log(
  `corpus: ${tokens} tokens${lines > 0 ? ` (first ${lines} lines)` : ''}, ${threads} threads; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
);
console.log('| model | seconds | CPU s | RSS MB | analogy % | WS353 ρ | notes |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const notes =
    r === glove
      ? `${r.result.cooccurrences.toLocaleString('en')} co-occurrences, ${r.result.spilledChunks} chunks spilled; scan ${f(r.result.vocabSeconds)} s, count ${f(r.result.countSeconds)} s, train ${f(r.result.trainSeconds)} s (${gloveEpochs} epochs)`
      : `scan ${f(r.result.vocabSeconds)} s, train ${f(r.result.trainSeconds)} s (5 epochs)`;
  console.log(`| ${r.name} | ${f(r.wall)} | ${f(r.cpu)} | ${f(r.rssMb, 0)} | ${f(r.analogy, 2)} | ${f(r.ws353, 3)} | ${notes} |`);
}
console.log(
  `GloVe / skip-gram: time ×${f(glove.wall / w2v.wall, 2)} (CPU ×${f(glove.cpu / w2v.cpu, 2)}), analogy ${glove.analogy >= w2v.analogy ? '+' : ''}${f(glove.analogy - w2v.analogy, 2)} points (targets: time ≤ ×1, analogy ≥ 30 %)`,
);
rmSync(work, { recursive: true, force: true });
