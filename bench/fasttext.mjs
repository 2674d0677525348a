#!/usr/bin/env node
// Side-by-side fastText subword benchmark: Debian's `fasttext` 0.9.2 CLI vs `embedkit train
// --model fasttext-*`, same corpus, same settings, one run each in one invocation, printed as one
// table with ratios.
//
//   npm run bench:fasttext                                  # skip-gram and CBOW, whole shared corpus
//   npm run bench:fasttext -- --models sg --lines 200000    # a slice: the first 200k lines
//   npm run bench:fasttext -- --supervised --lines 200000   # the classifier vs fasttext supervised
//
// Settings (both): dim 100, window 5, neg 5, minCount 5, t 1e-3, minn 3, maxn 6, bucket 2M,
// 5 epochs, lr 0.05 decayed linearly to 0, 2 threads. seconds = wall time of the whole process
// (vocabulary + training + writing the .bin), from /usr/bin/time -v; words/s = corpus tokens ×
// epochs / seconds; RSS = peak resident set size. Quality of both tools' vectors by the same
// evaluator (gensim's evaluate_word_analogies, restrict_vocab 30000; WordSim-353 Spearman;
// ../shared/anchors/word2vec/tools/eval_vectors.py) on the .vec of each model.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
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
// --tools embedkit: one side only (to compare a change with an earlier run of the other tool)
const tools = opt('tools', 'fasttext,embedkit').split(',');
// --embedkit-args "--flag v …": extra flags for embedkit's train (an experiment)
const extra = (opt('embedkit-args', '') ?? '').split(' ').filter(Boolean);
const threads = Number(opt('threads', '2'));
const epochs = Number(opt('epochs', '5'));
const lines = Number(opt('lines', '0'));
// --nice N: the priority both tools run at (19 by default; a lead running beside niced helpers uses -5)
const niceness = String(opt('nice', '19'));
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
need(existsSync('/usr/bin/time'), 'needs /usr/bin/time');
need(spawnSync('fasttext', []).error === undefined, 'needs the fasttext CLI (apt-get install -y fasttext)');

const work = mkdtempSync(join(tmpdir(), 'embedkit-bench-ft-'));
const corpus = join(work, 'corpus.txt');
{
  const input = corpusArg.endsWith('.gz') ? createReadStream(corpusArg).pipe(createGunzip()) : createReadStream(corpusArg);
  const out = createWriteStream(corpus);
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (lines > 0 && n >= lines) break;
    if (!out.write(`${line}\n`)) await new Promise((r) => out.once('drain', r));
    n++;
  }
  await new Promise((r) => out.end(r));
}
const tokens = Number(
  execFileSync('sh', ['-c', `wc -w < '${corpus}'`])
    .toString()
    .trim(),
);
console.error(`corpus ${corpusArg}${lines ? ` (first ${lines} lines)` : ''}: ${tokens} tokens; work dir ${work}`);

function timed(cmd, argv, prefix) {
  const r = spawnSync('/usr/bin/time', ['-v', '-o', `${prefix}.time`, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status})`);
  }
  const t = readFileSync(`${prefix}.time`, 'utf8');
  const parts = /Elapsed \(wall clock\) time.*: (\S+)/.exec(t)[1].split(':').map(Number);
  const wall = parts.length === 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
  const rssMb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)[1]) / 1024;
  return { stdout: r.stdout, wall, rssMb };
}

function evaluate(vec) {
  const out = execFileSync(PY, [join(shared, 'anchors/word2vec/tools/eval_vectors.py'), vec, evalDir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

if (args.includes('--supervised')) {
  await supervisedBench();
  process.exit(0);
}

/**
 * Supervised: a labelled set built here from the corpus's words — 20 topics, each with its own
 * 300 words (drawn from the corpus vocabulary), lines of 12 words mixing topic words (40 %) and
 * other corpus words, 100k training and 10k test lines — trained by both tools with fastText's
 * defaults plus wordNgrams 2, 5 epochs; P@1 by each tool's own test on the test lines.
 */
async function supervisedBench() {
  const words = [...new Set(readFileSync(corpus, 'utf8').slice(0, 20_000_000).split(/\s+/))].filter((w) => w.length > 2);
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const topics = Array.from({ length: 20 }, () => Array.from({ length: 300 }, () => pick(words)));
  const make = (n) =>
    Array.from({ length: n }, () => {
      const t = Math.floor(rnd() * 20);
      const ws = Array.from({ length: 12 }, () => (rnd() < 0.4 ? pick(topics[t]) : pick(words)));
      return `__label__t${t} ${ws.join(' ')}`;
    }).join('\n') + '\n';
  const trainFile = join(work, 'sup-train.txt');
  const testFile = join(work, 'sup-test.txt');
  writeFileSync(trainFile, make(100_000));
  writeFileSync(testFile, make(10_000));
  const rows = [];
  for (const tool of tools) {
    const prefix = join(work, `${tool}-sup`);
    const argv =
      tool === 'fasttext'
        ? [
            'fasttext',
            'supervised',
            '-input',
            trainFile,
            '-output',
            prefix,
            '-wordNgrams',
            '2',
            '-epoch',
            '5',
            '-thread',
            String(threads),
            '-verbose',
            '0',
          ]
        : [
            'node',
            cli,
            'supervised',
            'train',
            '--input',
            trainFile,
            '--output',
            `${prefix}.bin`,
            '--wordNgrams',
            '2',
            '--epoch',
            '5',
            '--json',
          ];
    console.error(`== ${tool} supervised: ${argv.join(' ')}`);
    const r = timed('nice', ['-n', niceness, ...argv], prefix);
    const out = execFileSync('fasttext', ['test', `${prefix}.bin`, testFile, '1'], { encoding: 'utf8' });
    rows.push({ tool, seconds: r.wall, rssMb: r.rssMb, p1: Number(/P@1\s+(\S+)/.exec(out)[1]) });
    console.error(JSON.stringify(rows.at(-1)));
  }
  console.log('| tool | seconds | peak RSS MB | P@1 |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.tool} | ${r.seconds.toFixed(1)} | ${r.rssMb.toFixed(0)} | ${r.p1.toFixed(3)} |`);
  console.log(
    `speed ×${(rows[0].seconds / rows[1].seconds).toFixed(2)} (target ≥ 1.5), P@1 ${(rows[1].p1 - rows[0].p1).toFixed(3)} (target ≥ 0)`,
  );
}

const common = { dim: 100, ws: 5, neg: 5, minCount: 5, t: '1e-3', minn: 3, maxn: 6, bucket: 2000000, lr: 0.05 };
const rows = [];
for (const model of models) {
  for (const tool of tools) {
    const prefix = join(work, `${tool}-${model}`);
    let cmd;
    let argv;
    if (tool === 'fasttext') {
      cmd = 'fasttext';
      argv = [
        model === 'sg' ? 'skipgram' : 'cbow',
        '-input',
        corpus,
        '-output',
        prefix,
        '-thread',
        String(threads),
        '-epoch',
        String(epochs),
        '-verbose',
        '0',
      ];
      for (const [k, v] of Object.entries(common)) argv.push(`-${k}`, String(v));
    } else {
      cmd = 'node';
      argv = [
        cli,
        'train',
        '-i',
        corpus,
        '-o',
        `${prefix}.bin`,
        '--model',
        model === 'sg' ? 'fasttext-skipgram' : 'fasttext-cbow',
        '--dim',
        '100',
        '--window',
        '5',
      ];
      argv.push(
        '--negative',
        '5',
        '--min-count',
        '5',
        '--sample',
        '1e-3',
        '--minn',
        '3',
        '--maxn',
        '6',
        '--bucket',
        '2000000',
        '--alpha',
        '0.05',
      );
      argv.push('--epochs', String(epochs), '--threads', String(threads), '--json', '-q', ...extra);
    }
    console.error(`== ${tool} ${model}: ${cmd} ${argv.join(' ')}`);
    const r = timed('nice', ['-n', niceness, cmd, ...argv], prefix);
    if (tool === 'embedkit') {
      const ft = join(root, 'dist/vectors/fasttext/fasttext-model.js');
      execFileSync('node', [
        '-e',
        `import(${JSON.stringify(ft)}).then(async ({FastTextModel}) => (await FastTextModel.load(${JSON.stringify(`${prefix}.bin`)})).saveVec(${JSON.stringify(`${prefix}.vec`)}))`,
      ]);
    }
    const q = evaluate(`${prefix}.vec`);
    rows.push({
      tool,
      model,
      seconds: r.wall,
      wordsPerSecond: (tokens * epochs) / r.wall,
      rssMb: r.rssMb,
      analogy: q.analogy_acc,
      ws353: q.ws353_rho,
    });
    rmSync(`${prefix}.bin`, { force: true });
    console.error(JSON.stringify(rows.at(-1)));
  }
}

const f = (x, d) => (typeof x === 'number' ? x.toFixed(d) : String(x));
console.log(`| model | tool | seconds | words/s | peak RSS MB | analogy % | WS353 ρ |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const r of rows)
  console.log(
    `| ${r.model} | ${r.tool} | ${f(r.seconds, 1)} | ${Math.round(r.wordsPerSecond)} | ${f(r.rssMb, 0)} | ${f(r.analogy, 2)} | ${f(r.ws353, 3)} |`,
  );
for (const model of models) {
  const a = rows.find((r) => r.model === model && r.tool === 'fasttext');
  const e = rows.find((r) => r.model === model && r.tool === 'embedkit');
  if (!a || !e) continue;
  console.log(
    `${model}: speed ×${(e.wordsPerSecond / a.wordsPerSecond).toFixed(2)} (target ≥ 2), analogy ${(e.analogy - a.analogy).toFixed(2)} pts (target ≥ -1), RSS ×${(e.rssMb / a.rssMb).toFixed(2)}`,
  );
}
console.log(`${tokens} tokens × ${epochs} epochs, ${threads} threads, both at nice ${niceness}; work dir ${work}`);
