// Semantic search quality: the default hybrid (BM25 + encoder vectors + a latent LSA side, convex
// fusion) vs BM25 baselines vs each side alone, on query → document sets built from local files:
//
// the sets are built by bench/search-sets.mjs (npm READMEs, section-1 man pages, Debian package
// descriptions, Python docstrings; see its header; --man-limit also sizes the python set).
//
// One relevant document per query. Settings are chosen ("tuned" rows) on the even-numbered queries
// and every row is reported on the odd-numbered ones (held out). The library's default weights were
// chosen on the even-numbered npm queries only; the man set is never used to choose anything.
// Usage: npm run build && node bench/search.mjs [--sets npm,man,debian,python] [--limit N] [--man-limit N] [--encoder NAME] [--skip-dims] [--quick] [--json]
// --quick: only BM25 (chunks, whole documents), the dense side alone, the previous and the current
// default hybrids and the hybrid tuned on the tuning half (no LSA, RM3, no-chunking or LSA-size rows).
import { querySet } from './search-sets.mjs';

const { SemanticSearch, tuneFusion, FUSION_GRID } = await import('../dist/tasks/search/index.js');
const { loadEncoder } = await import('../dist/encode/index.js');
const { evaluateRankings } = await import('../dist/evaluate/ranking-metrics.js');

const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const limit = Number(opt('--limit', 1500));
const manLimit = Number(opt('--man-limit', 1000));
const encoderName = opt('--encoder', 'glove-100-tfidf');
const sets = opt('--sets', 'npm,man').split(',');
const json = args.includes('--json');
const quick = args.includes('--quick');
const log = (...a) => json || console.log(...a);

const qrels = (qs) => new Map(qs.map((q) => [q.id, new Set(q.relevant)]));
const metrics = (results, qs) => {
  const r = evaluateRankings(results, qrels(qs), [1, 10]);
  return { mrr: r.mrr, recall10: r.recall[10], ndcg10: r.ndcg[10] };
};

/** CPU seconds of this process (all threads) since `from`: steadier than wall time on a shared machine. */
const cpuSeconds = (from) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
};

async function evaluate(search, qs, fusion) {
  const results = new Map();
  const t0 = process.cpuUsage();
  for (const q of qs)
    results.set(
      q.id,
      (await search.query(q.text, { k: 10, fusion })).map((h) => h.id),
    );
  return { ...metrics(results, qs), queryMs: (1000 * cpuSeconds(t0)) / qs.length };
}

async function build(docs, latent, chunk) {
  const encoder = await loadEncoder(encoderName); // a fresh encoder: its IDF is fitted on these documents
  const t0 = process.cpuUsage();
  const search = new SemanticSearch(encoder, { encoderName, latent, chunk });
  await search.add(docs);
  return { search, encoder, seconds: cpuSeconds(t0) };
}

const report = { encoder: encoderName, sets: {} };
for (const setName of sets) {
  const { name, docs, queries } = querySet(setName, { limit, manLimit });
  const tuneSet = queries.filter((_, i) => i % 2 === 0);
  const testSet = queries.filter((_, i) => i % 2 === 1);
  log(`\n## ${name}: ${docs.length} documents, ${queries.length} queries; encoder ${encoderName}`);

  const plain = await build(docs, undefined); // the library default: no latent side
  const rows = [];
  const row = (label, r, buildSeconds) => rows.push({ label, ...r, buildSeconds });
  const bm25 = await evaluate(plain.search, testSet, { mode: 'bm25' });
  row('BM25, chunks (baseline)', bm25, plain.seconds);
  // convex fusion of one list keeps its order: this is BM25 over whole documents
  row('BM25, whole documents', await evaluate(plain.search, testSet, { mode: 'convex', denseWeight: 0, documentWeight: 1 }), plain.seconds);
  row('dense only (encoder)', await evaluate(plain.search, testSet, { mode: 'dense' }), plain.seconds);
  row(
    'BM25 chunks + whole documents (no encoder; document weight 0.6)',
    await evaluate(plain.search, testSet, { mode: 'convex', denseWeight: 0, documentWeight: 0.6 }),
    plain.seconds,
  );
  row(
    'hybrid + whole documents (convex: dense 0.1, whole-document BM25 0.6, chunk BM25 0.3, min–max)',
    await evaluate(plain.search, testSet, { mode: 'convex', denseWeight: 0.1, documentWeight: 0.6 }),
    plain.seconds,
  );
  row(
    'hybrid, library default (convex dense 0.1, min–max, chunk BM25 only)',
    await evaluate(plain.search, testSet, undefined),
    plain.seconds,
  );
  const tunedAll = (await tuneFusion(plain.search, tuneSet, { apply: false, grid: FUSION_GRID.filter((f) => f.latentWeight === 0) })).best;
  row(
    `hybrid tuned on the tuning half (${tunedAll.mode}, dense ${tunedAll.denseWeight}, document ${tunedAll.documentWeight}${tunedAll.mode === 'rrf' ? `, k ${tunedAll.rrfK}` : `, ${tunedAll.normalization}`})`,
    await evaluate(plain.search, testSet, tunedAll),
    plain.seconds,
  );
  log(`indexed ${plain.search.chunkCount} chunks in ${plain.seconds.toFixed(1)} CPU s`);
  let top = [];
  if (!quick) {
    const lsa = await build(docs, {}); // latent side on, 128 dimensions
    log(
      `with the latent side: ${lsa.seconds.toFixed(1)} CPU s (LSA ${lsa.search.latent.dim}-d, ${lsa.search.latent.vocabularySize} terms)`,
    );
    row('latent only (LSA 128)', await evaluate(lsa.search, testSet, { mode: 'latent' }), lsa.seconds);
    row(
      'hybrid RRF, equal weights, no latent',
      await evaluate(plain.search, testSet, { mode: 'rrf', denseWeight: 0.5, documentWeight: 0 }),
      plain.seconds,
    );
    row(
      'hybrid convex dense 0.2, min–max, no latent (old default)',
      await evaluate(plain.search, testSet, { mode: 'convex', denseWeight: 0.2, normalization: 'minmax', documentWeight: 0 }),
      plain.seconds,
    );
    row(
      'hybrid convex dense 0.2, z-score, no latent',
      await evaluate(plain.search, testSet, { mode: 'convex', denseWeight: 0.2, normalization: 'zscore', documentWeight: 0 }),
      plain.seconds,
    );
    row(
      'BM25 + latent 0.2 (no encoder)',
      await evaluate(lsa.search, testSet, { mode: 'convex', denseWeight: 0, latentWeight: 0.2, documentWeight: 0 }),
      lsa.seconds,
    );
    row(
      'hybrid with latent, default weights (convex dense 0.1 + latent 0.1 + document 0.6)',
      await evaluate(lsa.search, testSet, undefined),
      lsa.seconds,
    );
    const tuned = await tuneFusion(lsa.search, tuneSet, { apply: false });
    const f = tuned.best;
    row(
      `dense + latent + BM25 tuned on held-apart queries (${f.mode}, dense ${f.denseWeight}, latent ${f.latentWeight}${f.mode === 'rrf' ? `, k ${f.rrfK}` : `, ${f.normalization}`})`,
      await evaluate(lsa.search, testSet, f),
      lsa.seconds,
    );
    // RM3 pseudo-relevance feedback on the BM25 side: settings chosen on the tuning half
    let bestFb;
    for (const feedbackDocs of [3, 10])
      for (const feedbackWeight of [0.5, 0.7, 0.85]) {
        const fb = { feedbackDocs, feedbackTerms: 10, feedbackWeight };
        const r = await evaluate(plain.search, tuneSet, { mode: 'bm25', ...fb });
        if (!bestFb || r.mrr > bestFb.mrr) bestFb = { ...fb, mrr: r.mrr };
      }
    const fbLabel = `${bestFb.feedbackDocs} chunks, 10 terms, query weight ${bestFb.feedbackWeight}`;
    const fb = { feedbackDocs: bestFb.feedbackDocs, feedbackWeight: bestFb.feedbackWeight };
    row(`BM25 + RM3 (${fbLabel})`, await evaluate(plain.search, testSet, { mode: 'bm25', ...fb }), plain.seconds);
    row(`hybrid, library default + RM3 (${fbLabel})`, await evaluate(plain.search, testSet, fb), plain.seconds);

    // whole documents, no chunking (BM25 over whole documents is the textbook baseline)
    const whole = await build(docs, {}, { maxWords: 0 });
    row('BM25, whole documents (no chunking)', await evaluate(whole.search, testSet, { mode: 'bm25' }), whole.seconds);
    row('dense only, whole documents', await evaluate(whole.search, testSet, { mode: 'dense' }), whole.seconds);
    row('latent only, whole documents', await evaluate(whole.search, testSet, { mode: 'latent' }), whole.seconds);
    row('hybrid with latent, default weights, whole documents', await evaluate(whole.search, testSet, undefined), whole.seconds);
    const tunedWhole = (await tuneFusion(whole.search, tuneSet, { apply: false })).best;
    row(
      `hybrid tuned on held-apart queries, whole documents (${tunedWhole.mode}, dense ${tunedWhole.denseWeight}, latent ${tunedWhole.latentWeight}${tunedWhole.mode === 'rrf' ? `, k ${tunedWhole.rrfK}` : `, ${tunedWhole.normalization}`})`,
      await evaluate(whole.search, testSet, tunedWhole),
      whole.seconds,
    );
    await whole.encoder.dispose?.();
    for (const dim of args.includes('--skip-dims') ? [] : [64, 256]) {
      const other = await build(docs, { dim });
      row(`hybrid with latent, default weights, LSA ${dim}-d`, await evaluate(other.search, testSet, undefined), other.seconds);
      await other.encoder.dispose?.();
    }
    // the best convex settings on the tuning half, to show how flat the optimum is
    top = [...tuned.tried].sort((a, b) => b.mrr - a.mrr).slice(0, 8);
    await lsa.encoder.dispose?.();
  }

  log(`\n${testSet.length} held-out queries (odd positions); ratios against BM25 over chunks (the baseline)`);
  log('| ranking | MRR | recall@10 | nDCG@10 | MRR ÷ BM25 | recall@10 ÷ BM25 | build CPU s | CPU ms/query |');
  log('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    log(
      `| ${r.label} | ${r.mrr.toFixed(4)} | ${r.recall10.toFixed(4)} | ${r.ndcg10.toFixed(4)} | ${(r.mrr / bm25.mrr).toFixed(3)} | ${(r.recall10 / bm25.recall10).toFixed(3)} | ${r.buildSeconds ? r.buildSeconds.toFixed(1) : '–'} | ${r.queryMs.toFixed(1)} |`,
    );
  log(`\nbest settings on the ${tuneSet.length} tuning queries (MRR there):`);
  for (const t of top) log(`  ${JSON.stringify(t.fusion)}  ${t.mrr.toFixed(4)}`);
  report.sets[setName] = { name, documents: docs.length, chunks: plain.search.chunkCount, heldOut: testSet.length, rows, tuningTop: top };
  await plain.encoder.dispose?.();
}
if (json) console.log(JSON.stringify(report, null, 2));
