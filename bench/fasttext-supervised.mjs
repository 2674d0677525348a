#!/usr/bin/env node
// Side-by-side supervised benchmark: Debian's `fasttext` 0.9.2 CLI (`supervised`, `quantize`) vs
// `embedkit supervised train|quantize`, same split, same settings, in one invocation, as ratios.
//
//   npm run bench:fasttext-supervised                  # both sets
//   npm run bench:fasttext-supervised -- --sets topics --lines 50000
//
// Sets, built here reproducibly:
//  - topics: 20 topics of 300 words each drawn from the words of the first `--lines` lines of
//    ../shared/corpus/corpus.txt.gz; lines of 12 words, 40 % from the line's topic (as the first
//    supervised figure of docs/benchmarks.md); 100k training and 10k test lines.
//  - debian: the short Description of every package of Debian bookworm main (the apt list on the
//    machine) labelled by its Section; every 5th package of a section held out.
// Settings (both tools): fastText's supervised defaults (dim 100, lr 0.1, softmax, bucket 2M) with
// wordNgrams 2, 5 epochs, 2 threads; quantize with -qnorm -cutoff 100000 -retrain -epoch 1 -lr 0.05
// (dsub 2). Both tools run under `nice -n 19`, one after the other; the load average is printed.
// seconds = wall time of the whole process (read, dictionary, train, write), from /usr/bin/time -v;
// train s = the training loop alone: embedkit's own figure, fastText's from its words/sec/thread;
// CPU s = user + system seconds (steadier than wall time on a loaded machine); RSS = peak resident
// set size. P@1 and R@1 by `fasttext test` on each tool's model.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { PACKAGES_LIST } from './classify-data.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const sets = opt('sets', 'topics,debian').split(',');
const threads = Number(opt('threads', '2'));
const lines = Number(opt('lines', '50000'));
const corpusFile = resolve(opt('corpus', join(root, '../shared/corpus/corpus.txt.gz')));
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

const work = mkdtempSync(join(tmpdir(), 'embedkit-bench-sup-'));

async function topicsSet() {
  const input = createReadStream(corpusFile).pipe(createGunzip());
  const seen = new Set();
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (n++ >= lines) break;
    for (const w of line.split(/\s+/)) if (w.length > 2) seen.add(w);
  }
  const words = [...seen];
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const topics = Array.from({ length: 20 }, () => Array.from({ length: 300 }, () => pick(words)));
  const make = (count) =>
    Array.from({ length: count }, () => {
      const t = Math.floor(rnd() * 20);
      const ws = Array.from({ length: 12 }, () => (rnd() < 0.4 ? pick(topics[t]) : pick(words)));
      return `__label__t${t} ${ws.join(' ')}`;
    }).join('\n') + '\n';
  return { train: make(100_000), test: make(10_000), about: `20 topics, words of the first ${lines} corpus lines` };
}

function debianSet() {
  const raw = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', PACKAGES_LIST], { maxBuffer: 1 << 30 }).toString('utf8');
  const counts = new Map();
  const train = [];
  const test = [];
  for (const stanza of raw.split('\n\n')) {
    const section = /^Section: (.+)$/m.exec(stanza)?.[1]?.replace(/^.*\//, '');
    const description = /^Description: (.+)$/m.exec(stanza)?.[1];
    if (!section || !description) continue;
    const c = counts.get(section) ?? 0;
    counts.set(section, c + 1);
    (c % 5 === 4 ? test : train).push(`__label__${section} ${description.replace(/\s+/g, ' ').trim().toLowerCase()}`);
  }
  return { train: train.join('\n') + '\n', test: test.join('\n') + '\n', about: `${counts.size} sections` };
}

function timed(argv, prefix) {
  const load0 = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-v', '-o', `${prefix}.time`, 'nice', '-n', '19', ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`${argv.join(' ')} failed (${r.status})`);
  }
  const t = readFileSync(`${prefix}.time`, 'utf8');
  const parts = /Elapsed \(wall clock\) time.*: (\S+)/.exec(t)[1].split(':').map(Number);
  const wall = parts.length === 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
  const rssMb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(t)[1]) / 1024;
  // CPU seconds (user + system): less sensitive than wall time to what else the machine runs
  const cpu = Number(/User time \(seconds\): (\S+)/.exec(t)[1]) + Number(/System time \(seconds\): (\S+)/.exec(t)[1]);
  return { stdout: r.stdout, stderr: r.stderr, wall, cpu, rssMb, load: (load0 + loadavg()[0]) / 2 };
}

function cliTest(model, testFile) {
  const out = execFileSync('fasttext', ['test', model, testFile, '1'], { encoding: 'utf8' });
  return { p1: Number(/P@1\s+(\S+)/.exec(out)[1]), r1: Number(/R@1\s+(\S+)/.exec(out)[1]) };
}

const rows = [];
for (const name of sets) {
  const set = name === 'topics' ? await topicsSet() : debianSet();
  const trainFile = join(work, `${name}-train.txt`);
  const testFile = join(work, `${name}-test.txt`);
  writeFileSync(trainFile, set.train);
  writeFileSync(testFile, set.test);
  const trainLines = set.train.split('\n').length - 1;
  // fastText's ntokens: words plus one </s> per line
  const tokens = set.train.split(/\s+/).filter(Boolean).length + trainLines;
  console.error(`== set ${name} (${set.about}): ${trainLines} train / ${set.test.split('\n').length - 1} test lines, ${tokens} tokens`);
  for (const tool of ['fasttext', 'embedkit']) {
    const prefix = join(work, `${name}-${tool}`);
    const train =
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
            '2',
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
            '--thread',
            String(threads),
            '--json',
            '-q',
          ];
    console.error(`${tool}: ${train.join(' ')}`);
    const t = timed(train, `${prefix}-train`);
    let trainSeconds;
    if (tool === 'fasttext') {
      const wst = [...t.stderr.matchAll(/words\/sec\/thread:\s+(\d+)/g)].map((m) => Number(m[1])).at(-1);
      trainSeconds = wst ? (tokens * 5) / (wst * threads) : NaN;
    } else trainSeconds = JSON.parse(t.stdout).trainSeconds;
    const before = cliTest(`${prefix}.bin`, testFile);
    const quantize =
      tool === 'fasttext'
        ? [
            'fasttext',
            'quantize',
            '-input',
            trainFile,
            '-output',
            prefix,
            '-qnorm',
            '-cutoff',
            '100000',
            '-retrain',
            '-epoch',
            '1',
            '-lr',
            '0.05',
            '-thread',
            String(threads),
            '-verbose',
            '0',
          ]
        : [
            'node',
            cli,
            'supervised',
            'quantize',
            `${prefix}.bin`,
            '--output',
            `${prefix}.ftz`,
            '--input',
            trainFile,
            '--qnorm',
            '--cutoff',
            '100000',
            '--retrain',
            '--epoch',
            '1',
            '--lr',
            '0.05',
            '--thread',
            String(threads),
            '--json',
          ];
    console.error(`${tool}: ${quantize.join(' ')}`);
    const q = timed(quantize, `${prefix}-quantize`);
    const after = cliTest(`${prefix}.ftz`, testFile);
    rows.push({
      set: name,
      tool,
      seconds: t.wall,
      cpuSeconds: t.cpu,
      trainSeconds,
      rssMb: t.rssMb,
      p1: before.p1,
      r1: before.r1,
      binMb: statSync(`${prefix}.bin`).size / 2 ** 20,
      quantizeSeconds: q.wall,
      quantizeCpuSeconds: q.cpu,
      quantizeRssMb: q.rssMb,
      ftzMb: statSync(`${prefix}.ftz`).size / 2 ** 20,
      p1q: after.p1,
      r1q: after.r1,
      load: (t.load + q.load) / 2,
    });
    console.error(JSON.stringify(rows.at(-1)));
  }
}

const f = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '-');
console.log(
  '| set | tool | seconds | CPU s | train s | peak RSS MB | P@1 | R@1 | .bin MB | quantize s | quantize CPU s | quantize RSS MB | .ftz MB | P@1 .ftz | R@1 .ftz | load |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.set} | ${r.tool} | ${f(r.seconds, 1)} | ${f(r.cpuSeconds, 1)} | ${f(r.trainSeconds, 1)} | ${f(r.rssMb, 0)} | ${f(r.p1, 3)} | ${f(r.r1, 3)} | ${f(r.binMb, 1)} | ${f(r.quantizeSeconds, 1)} | ${f(r.quantizeCpuSeconds, 1)} | ${f(r.quantizeRssMb, 0)} | ${f(r.ftzMb, 2)} | ${f(r.p1q, 3)} | ${f(r.r1q, 3)} | ${f(r.load, 1)} |`,
  );
for (const name of sets) {
  const a = rows.find((r) => r.set === name && r.tool === 'fasttext');
  const e = rows.find((r) => r.set === name && r.tool === 'embedkit');
  console.log(
    `${name}: speed ×${f(a.seconds / e.seconds, 2)} wall, ×${f(a.cpuSeconds / e.cpuSeconds, 2)} CPU, ×${f(a.trainSeconds / e.trainSeconds, 2)} training loop (target ≥ 1.5); ` +
      `P@1 ${f(e.p1 - a.p1, 3)} (target ≥ 0), after quantize ${f(e.p1q - a.p1q, 3)}; RSS ×${f(e.rssMb / a.rssMb, 2)}; ` +
      `.ftz ×${f(e.ftzMb / a.ftzMb, 2)}; quantize time ×${f(a.quantizeSeconds / e.quantizeSeconds, 2)}`,
  );
}
console.log(`${threads} threads, every command under nice -n 19; work dir ${work}`);
