// Semantic search quality: default hybrid (BM25 + GloVe-100 TF-IDF pooling, convex fusion) vs the
// BM25 baseline vs dense-only, on a query → document set built from the npm packages installed in
// node_modules: query = the package.json "description", document = the package's README.md with
// every line containing the description (or its first 40 characters) removed, so the answer is
// never a verbatim copy. Packages sorted by name; those with a description of ≥ 4 words and a
// README of ≥ 50 words are used (first --limit of them). One relevant document per query.
// The tuned row chooses the fusion on the even-numbered queries (tuneFusion) and reports all
// rows on the odd-numbered ones (held out), so it is not tuned on its own test queries.
// Usage: npm run build && node bench/search.mjs [--limit N] [--encoder NAME]
import fs from 'node:fs';
import path from 'node:path';

const { SemanticSearch, tuneFusion } = await import('../dist/tasks/search/index.js');
const { loadEncoder } = await import('../dist/encode/index.js');
const { evaluateRankings } = await import('../dist/evaluate/ranking-metrics.js');

const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const limit = Number(opt('--limit', 1500));
const encoderName = opt('--encoder', 'glove-100-tfidf');

function packageDirs(root) {
  const out = [];
  for (const name of fs.readdirSync(root).sort()) {
    if (name.startsWith('.')) continue;
    const p = path.join(root, name);
    if (name.startsWith('@')) for (const sub of fs.readdirSync(p).sort()) out.push(path.join(p, sub));
    else out.push(p);
  }
  return out;
}

const docs = [];
const queries = [];
for (const dir of packageDirs('node_modules')) {
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  const readme = ['README.md', 'readme.md', 'Readme.md'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  const desc = typeof pkg.description === 'string' ? pkg.description.trim() : '';
  if (!readme || desc.split(/\s+/).length < 4) continue;
  const head = desc.slice(0, 40).toLowerCase();
  const body = fs
    .readFileSync(readme, 'utf8')
    .split('\n')
    .filter((l) => !l.toLowerCase().includes(head) && !l.includes(desc))
    .join('\n')
    .slice(0, 20000);
  if (body.split(/\s+/).length < 50) continue;
  if (docs.some((d) => d.id === pkg.name)) continue;
  docs.push({ id: pkg.name, text: body });
  queries.push({ id: pkg.name, text: desc, relevant: [pkg.name] });
  if (docs.length >= limit) break;
}
console.log(`${docs.length} documents (npm READMEs), ${queries.length} queries (package descriptions); encoder ${encoderName}`);

const encoder = await loadEncoder(encoderName);
const t0 = performance.now();
const search = new SemanticSearch(encoder, { encoderName });
await search.add(docs);
console.log(`indexed ${search.chunkCount} chunks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const qrels = (qs) => new Map(qs.map((q) => [q.id, new Set(q.relevant)]));
async function evaluate(qs, fusion) {
  const results = new Map();
  for (const q of qs)
    results.set(
      q.id,
      (await search.query(q.text, { k: 10, fusion })).map((h) => h.id),
    );
  const r = evaluateRankings(results, qrels(qs), [1, 10]);
  return { mrr: r.mrr, recall10: r.recall[10], ndcg10: r.ndcg[10] };
}

const tuneSet = queries.filter((_, i) => i % 2 === 0);
const testSet = queries.filter((_, i) => i % 2 === 1);
const rows = [];
const bm25 = await evaluate(testSet, { mode: 'bm25' });
rows.push(['BM25 (baseline)', bm25]);
rows.push(['dense only', await evaluate(testSet, { mode: 'dense' })]);
rows.push(['hybrid RRF 0.5', await evaluate(testSet, { mode: 'rrf', denseWeight: 0.5 })]);
rows.push(['hybrid convex 0.2 (default)', await evaluate(testSet, undefined)]);
const tuning = await tuneFusion(search, tuneSet, { apply: true });
rows.push([`hybrid tuned (${tuning.best.mode}, w=${tuning.best.denseWeight}, k=${tuning.best.rrfK})`, await evaluate(testSet, undefined)]);

console.log(`\n${testSet.length} held-out queries (odd positions); ratios against BM25`);
console.log('| ranking | MRR | recall@10 | nDCG@10 | MRR ratio | recall@10 ratio |');
console.log('|---|---|---|---|---|---|');
for (const [name, r] of rows)
  console.log(
    `| ${name} | ${r.mrr.toFixed(4)} | ${r.recall10.toFixed(4)} | ${r.ndcg10.toFixed(4)} | ${(r.mrr / bm25.mrr).toFixed(3)} | ${(r.recall10 / bm25.recall10).toFixed(3)} |`,
  );
await encoder.dispose?.();
