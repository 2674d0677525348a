#!/usr/bin/env node
// Side-by-side word2vec benchmark: gensim (corpus_file mode, Debian python3-gensim) vs embedkit,
// same corpus, same settings, one run each, printed as one table with ratios.
//
//   npm run bench:word2vec                     # skip-gram and CBOW on ../shared/corpus/corpus.txt.gz
//   npm run bench:word2vec -- --models cbow --corpus FILE --threads 2 --tools embedkit,gensim --repeat 3
//
// With --repeat N every tool runs N times, alternating with the other tools; the table shows the
// median wall time (and its words/s), the largest peak RSS, and the mean quality over the runs (±
// half the range), because on a shared 2-core VM single runs vary by ±30 % and, with 2 threads,
// both tools' quality varies by about ±0.5 analogy points from run to run.
//
// Settings (both tools): dim 100, window 5, negative 5, min_count 5, sample 1e-3, 5 epochs,
// alpha 0.025 (sg) / 0.05 (cbow), linear decay to 1e-4, 2 threads.
// seconds = wall time of the whole training process (vocabulary scan + training + writing the
// vectors), from /usr/bin/time -v, as in ../shared/anchors/word2vec; words/s = corpus tokens ×
// epochs / seconds; RSS = peak resident set size of that process. Quality of both tools' vectors
// is measured by the same evaluator (gensim's evaluate_word_analogies with restrict_vocab=30000 and
// evaluate_word_pairs on WordSim-353, ../shared/anchors/word2vec/tools/eval_vectors.py), and also
// by embedkit's own evaluator for embedkit's vectors (they must agree).
// Run r (1-based) of each tool is trained with seed r, for gensim too (bench/gensim_word2vec.py; one
// gensim seed is one starting point, and seed 1 happens to be a good one for CBOW on the 4M slice).
// Before each run the script waits for an idle CPU (at most --max-wait seconds, default 600) and
// records other processes' CPU use.
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
const models = opt('models', 'sg,cbow').split(',');
const tools = opt('tools', 'gensim,embedkit').split(',');
const threads = Number(opt('threads', '2'));
const epochs = Number(opt('epochs', '5'));
const evalDir = resolve(opt('eval-dir', join(shared, 'eval')));
const repeat = Number(opt('repeat', '1'));
// Run r of each tool uses seed r + 1 for both tools (bench/gensim_word2vec.py). --gensim-runner shared
// uses ../shared's anchor runner instead, whose seed is always 1 (its published figures).
const sharedGensim = opt('gensim-runner', 'seeded') === 'shared';
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

const work = mkdtempSync(join(tmpdir(), 'embedkit-bench-w2v-'));
let corpus = corpusArg;
if (corpus.endsWith('.gz')) {
  corpus = join(work, 'corpus.txt');
  await pipeline(createReadStream(corpusArg), createGunzip(), createWriteStream(corpus));
}
const tokens = Number(
  execFileSync('sh', ['-c', `wc -w < '${corpus}'`])
    .toString()
    .trim(),
);
console.error(`corpus ${corpusArg}: ${tokens} tokens; work dir ${work}`);

// ---- idle-CPU wait and other-load measurement (as ../shared/anchors/word2vec/run_anchors.sh)
const busyTicks = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
};
const HZ = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitQuiet(maxWait = Number(opt('max-wait', '600'))) {
  for (let waited = 0; ; waited += 5) {
    const a = busyTicks();
    await sleep(3000);
    const used = (busyTicks() - a) / HZ / 3;
    if (used < 0.15 || waited >= maxWait) return;
    await sleep(2000);
  }
}

function timed(cmd, argv, prefix) {
  const t0 = busyTicks();
  const r = spawnSync('/usr/bin/time', ['-v', '-o', `${prefix}.time`, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const t1 = busyTicks();
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status})`);
  }
  const t = readFileSync(`${prefix}.time`, 'utf8');
  const wallStr = /Elapsed \(wall clock\) time.*: (\S+)/.exec(t)[1];
  const parts = wallStr.split(':').map(Number);
  const wall = parts.length === 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
  const rssMb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)[1]) / 1024;
  const cpu = Number(/User time \(seconds\): (\S+)/.exec(t)[1]) + Number(/System time \(seconds\): (\S+)/.exec(t)[1]);
  const other = Math.max(0, ((t1 - t0) / HZ - cpu) / wall);
  return { stdout: r.stdout, wall, rssMb, cpu, other };
}

function gensimEval(vec) {
  const out = execFileSync(PY, [join(shared, 'anchors/word2vec/tools/eval_vectors.py'), vec, evalDir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

function embedkitEval(vec) {
  const a = JSON.parse(
    execFileSync('node', [cli, 'eval', 'analogy', vec, '--questions', join(evalDir, 'questions-words.txt'), '--json'], {
      encoding: 'utf8',
    }),
  );
  const p = JSON.parse(
    execFileSync('node', [cli, 'eval', 'pairs', vec, '--pairs', join(evalDir, 'wordsim353.tsv'), '--json'], { encoding: 'utf8' }),
  );
  return { analogy: 100 * a.accuracy, ws353: p.spearman };
}

const runs = [];
for (const model of models) {
  for (let rep = 0; rep < repeat; rep++) {
    for (const tool of tools) {
      const prefix = join(work, `${tool}-${model}-${rep}`);
      const vec = `${prefix}.vec`;
      let cmd;
      let argv;
      if (tool === 'gensim') {
        cmd = PY;
        argv = sharedGensim
          ? [join(shared, 'anchors/word2vec/tools/gensim_train.py'), 'file', model, corpus, vec, String(threads)]
          : [join(root, 'bench/gensim_word2vec.py'), model, corpus, vec, String(threads), String(1 + rep)];
      } else {
        cmd = 'node';
        argv = [
          cli,
          'train',
          '--input',
          corpus,
          '--output',
          vec,
          '--format',
          'w2v-text',
          '--model',
          model === 'sg' ? 'skipgram' : 'cbow',
          '--dim',
          '100',
          '--window',
          '5',
          '--negative',
          '5',
          '--min-count',
          '5',
          '--sample',
          '1e-3',
          '--epochs',
          String(epochs),
          '--alpha',
          model === 'sg' ? '0.025' : '0.05',
          '--min-alpha',
          '0.0001',
          '--threads',
          String(threads),
          '--seed',
          String(1 + rep),
          '--json',
        ];
      }
      console.error(`== ${tool} ${model} run ${rep + 1}/${repeat}: waiting for an idle CPU, then ${cmd} ${argv.join(' ')}`);
      await waitQuiet();
      const r = timed(cmd, argv, prefix);
      const q = gensimEval(vec);
      const own = tool === 'embedkit' ? embedkitEval(vec) : undefined;
      const run = {
        tool,
        model,
        seconds: r.wall,
        wordsPerSecond: (tokens * epochs) / r.wall,
        rssMb: r.rssMb,
        analogy: q.analogy_acc,
        analogyCoverage: q.analogy_n,
        ws353: q.ws353_rho,
        cpu: r.cpu,
        otherLoad: r.other,
        ownAnalogy: own?.analogy,
        ownWs353: own?.ws353,
      };
      runs.push(run);
      console.error(JSON.stringify(run));
      rmSync(vec, { force: true });
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const halfRange = (xs) => (Math.max(...xs) - Math.min(...xs)) / 2;
const rows = [];
for (const model of models) {
  for (const tool of tools) {
    const rs = runs.filter((r) => r.tool === tool && r.model === model);
    if (rs.length === 0) continue;
    const own = rs.filter((r) => r.ownAnalogy !== undefined);
    rows.push({
      tool,
      model,
      n: rs.length,
      seconds: median(rs.map((r) => r.seconds)),
      wordsPerSecond: (tokens * epochs) / median(rs.map((r) => r.seconds)),
      rssMb: Math.max(...rs.map((r) => r.rssMb)),
      analogy: mean(rs.map((r) => r.analogy)),
      analogySpread: halfRange(rs.map((r) => r.analogy)),
      ws353: mean(rs.map((r) => r.ws353)),
      cpu: median(rs.map((r) => r.cpu)),
      otherLoad: Math.max(...rs.map((r) => r.otherLoad)),
      ownAnalogy: own.length ? mean(own.map((r) => r.ownAnalogy)) : undefined,
      ownWs353: own.length ? mean(own.map((r) => r.ownWs353)) : undefined,
      allSeconds: rs.map((r) => r.seconds.toFixed(1)).join('/'),
    });
  }
}

const f = (x, d = 1) => (x === undefined ? '-' : x.toFixed(d));
const lines = [
  [
    'tool',
    'model',
    'runs',
    'seconds',
    'words/s',
    'RSS MB',
    'analogy %',
    'WS353 ρ',
    'cpu s',
    'other load',
    'own eval (an %, ρ)',
    'each run (s)',
  ],
];
for (const r of rows) {
  lines.push([
    r.tool,
    r.model,
    r.n,
    f(r.seconds),
    Math.round(r.wordsPerSecond).toLocaleString('en'),
    f(r.rssMb, 0),
    r.n > 1 ? `${f(r.analogy, 2)} ±${f(r.analogySpread, 2)}` : f(r.analogy, 2),
    f(r.ws353, 3),
    f(r.cpu),
    f(r.otherLoad, 2),
    r.ownAnalogy === undefined ? '-' : `${f(r.ownAnalogy, 2)}, ${f(r.ownWs353, 3)}`,
    r.allSeconds,
  ]);
}
const ratios = [];
for (const model of models) {
  const g = rows.find((r) => r.tool === 'gensim' && r.model === model);
  const e = rows.find((r) => r.tool === 'embedkit' && r.model === model);
  if (!g || !e) continue;
  ratios.push(
    `${model}: speed ×${(e.wordsPerSecond / g.wordsPerSecond).toFixed(2)} (target ≥ 1.5), analogy ${e.analogy - g.analogy >= 0 ? '+' : ''}${(e.analogy - g.analogy).toFixed(2)} pts (target ≥ -1), ` +
      `WS353 ${e.ws353 - g.ws353 >= 0 ? '+' : ''}${(e.ws353 - g.ws353).toFixed(3)}, RSS ×${(e.rssMb / g.rssMb).toFixed(2)} (target ≤ 1)`,
  );
}
const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => String(l[c]).length)));
console.log(
  `corpus: ${corpusArg} (${tokens} tokens), ${epochs} epochs, ${threads} threads, dim 100, window 5, negative 5, min_count 5, sample 1e-3; ` +
    (repeat > 1 ? `${repeat} runs per tool (median time, max RSS, mean quality ± half range)` : 'one run per tool'),
);
for (const l of lines) console.log(l.map((c, i) => String(c).padEnd(widths[i])).join('  '));
for (const r of ratios) console.log(r);
rmSync(work, { recursive: true, force: true });
