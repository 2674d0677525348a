// Semantic search quality: the default hybrid (BM25 + encoder vectors + a latent LSA side, convex
// fusion) vs BM25 baselines vs each side alone, on query → document sets built from local files:
//
// npm:  the npm packages installed in node_modules: query = the package.json "description",
//       document = the package's README.md with every line containing the description (or its first
//       40 characters) removed, so the answer is never a verbatim copy. Packages sorted by name; those
//       with a description of ≥ 4 words and a README of ≥ 50 words (first --limit of them).
// man:  Debian's section-1 man pages (/usr/share/man/man1): query = the one-line description of the
//       NAME section ("ls \- list directory contents" → "list directory contents"), document = the
//       rest of the page, roff markup stripped, with every line containing the description removed.
//       Pages sorted by file name, `.so` aliases and duplicate descriptions skipped, descriptions of
//       ≥ 4 words, bodies of ≥ 50 words; every n-th page so that --man-limit pages are spread
//       over the alphabet.
//
// One relevant document per query. Settings are chosen ("tuned" rows) on the even-numbered queries
// and every row is reported on the odd-numbered ones (held out). The library's default weights were
// chosen on the even-numbered npm queries only; the man set is never used to choose anything.
// Usage: npm run build && node bench/search.mjs [--sets npm,man] [--limit N] [--man-limit N] [--encoder NAME] [--skip-dims] [--json]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

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
const log = (...a) => json || console.log(...a);

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

/** Removes the lines of `body` that contain the query (or its first 40 characters). */
function withoutQuery(body, query) {
  const head = query.slice(0, 40).toLowerCase();
  return body
    .split('\n')
    .filter((l) => !l.toLowerCase().includes(head) && !l.includes(query))
    .join('\n')
    .slice(0, 20000);
}

function npmSet() {
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
    const body = withoutQuery(fs.readFileSync(readme, 'utf8'), desc);
    if (body.split(/\s+/).length < 50) continue;
    if (docs.some((d) => d.id === pkg.name)) continue;
    docs.push({ id: pkg.name, text: body });
    queries.push({ id: pkg.name, text: desc, relevant: [pkg.name] });
    if (docs.length >= limit) break;
  }
  return { name: 'npm READMEs', docs, queries };
}

/** Plain text of a roff man page: macros' arguments kept, escapes and comments dropped. */
function roffToText(src) {
  const out = [];
  for (let line of src.split('\n')) {
    if (/^[.']\s*\\"/.test(line) || /^\.\s*(?:de|ig|TH|so|ds|nr|if|ie|el|ft|in|ti|sp|br|PD|na|ad|ne|hy|nh|ll)\b/.test(line)) continue;
    if (/^[.']/.test(line)) line = line.replace(/^[.']\s*[A-Za-z]{1,3}\s?/, '');
    line = line
      .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
      .replace(/\\\*(?:\[[^\]]*\]|\(..|.)/g, '')
      .replace(/\\\(em|\\\(en/g, ' - ')
      .replace(/\\\((..)/g, ' ')
      .replace(/\\\[[^\]]*\]/g, ' ')
      .replace(/\\[-e]/g, (m) => (m === '\\-' ? '-' : '\\'))
      .replace(/\\s[+-]?\d/g, '')
      .replace(/\\[&|^%c:]/g, '')
      .replace(/\\ /g, ' ')
      .replace(/"/g, '');
    out.push(line);
  }
  return out.join('\n');
}

function manSet() {
  const dir = '/usr/share/man/man1';
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.gz'))
    .sort();
  const candidates = [];
  const seen = new Set();
  for (const f of files) {
    let src;
    try {
      src = zlib.gunzipSync(fs.readFileSync(path.join(dir, f))).toString('utf8');
    } catch {
      continue;
    }
    if (/^\.so\s/m.test(src.slice(0, 200))) continue;
    const lines = src.split('\n');
    let desc;
    let bodyLines;
    const nd = lines.findIndex((l) => /^\.Nd\s/.test(l)); // mdoc pages: ".Nd description"
    if (nd >= 0) {
      desc = roffToText(lines[nd].replace(/^\.Nd\s+/, '')).trim();
      bodyLines = lines.slice(nd + 1);
    } else {
      const i = lines.findIndex((l) => /^\.SH\s+"?NAME"?\s*$/i.test(l));
      if (i < 0) continue;
      let j = i + 1;
      while (j < lines.length && !/^\.S[Hh]\s/.test(lines[j])) j++;
      const nameText = roffToText(lines.slice(i + 1, j).join('\n'))
        .replace(/\s+/g, ' ')
        .trim();
      const dash = nameText.search(/\s[-–—]+\s/);
      if (dash < 0) continue;
      desc = nameText
        .slice(dash)
        .replace(/^\s[-–—]+\s/, '')
        .trim();
      bodyLines = lines.slice(j);
    }
    if (desc.split(/\s+/).length < 4 || /manual page for/i.test(desc) || seen.has(desc.toLowerCase())) continue;
    const body = withoutQuery(roffToText(bodyLines.join('\n')), desc);
    if (body.split(/\s+/).length < 50) continue;
    seen.add(desc.toLowerCase());
    candidates.push({ id: f.replace(/\.gz$/, ''), desc, body });
  }
  const step = Math.max(1, candidates.length / manLimit);
  const picked = [];
  for (let i = 0; picked.length < Math.min(manLimit, candidates.length); i++) picked.push(candidates[Math.floor(i * step)]);
  return {
    name: `man pages (${picked.length} of ${candidates.length} usable)`,
    docs: picked.map((c) => ({ id: c.id, text: c.body })),
    queries: picked.map((c) => ({ id: c.id, text: c.desc, relevant: [c.id] })),
  };
}

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
  const { name, docs, queries } = setName === 'man' ? manSet() : npmSet();
  const tuneSet = queries.filter((_, i) => i % 2 === 0);
  const testSet = queries.filter((_, i) => i % 2 === 1);
  log(`\n## ${name}: ${docs.length} documents, ${queries.length} queries; encoder ${encoderName}`);

  const plain = await build(docs, undefined); // the library default: no latent side
  const lsa = await build(docs, {}); // latent side on, 128 dimensions
  log(
    `indexed ${lsa.search.chunkCount} chunks: ${plain.seconds.toFixed(1)} CPU s without the latent side, ${lsa.seconds.toFixed(1)} CPU s with it (LSA ${lsa.search.latent.dim}-d, ${lsa.search.latent.vocabularySize} terms)`,
  );
  const rows = [];
  const row = (label, r, buildSeconds) => rows.push({ label, ...r, buildSeconds });
  const bm25 = await evaluate(plain.search, testSet, { mode: 'bm25' });
  row('BM25, chunks (baseline)', bm25, plain.seconds);
  row('dense only (encoder)', await evaluate(plain.search, testSet, { mode: 'dense' }), plain.seconds);
  row('latent only (LSA 128)', await evaluate(lsa.search, testSet, { mode: 'latent' }), lsa.seconds);
  row('hybrid RRF, equal weights, no latent', await evaluate(plain.search, testSet, { mode: 'rrf', denseWeight: 0.5 }), plain.seconds);
  row(
    'hybrid convex dense 0.2, min–max, no latent (old default)',
    await evaluate(plain.search, testSet, { mode: 'convex', denseWeight: 0.2, normalization: 'minmax' }),
    plain.seconds,
  );
  row(
    'hybrid convex dense 0.2, z-score, no latent',
    await evaluate(plain.search, testSet, { mode: 'convex', denseWeight: 0.2, normalization: 'zscore' }),
    plain.seconds,
  );
  row(
    'BM25 + latent 0.2 (no encoder)',
    await evaluate(lsa.search, testSet, { mode: 'convex', denseWeight: 0, latentWeight: 0.2 }),
    lsa.seconds,
  );
  row('hybrid, library default (convex dense 0.1, min–max, no latent)', await evaluate(plain.search, testSet, undefined), plain.seconds);
  row('hybrid with latent, default weights (convex dense 0.1 + latent 0.1)', await evaluate(lsa.search, testSet, undefined), lsa.seconds);
  const plainGrid = FUSION_GRID.filter((f) => f.latentWeight === 0);
  const tunedPlain = await tuneFusion(plain.search, tuneSet, { apply: false, grid: plainGrid });
  const fp = tunedPlain.best;
  row(
    `dense + BM25 tuned on held-apart queries (${fp.mode}, dense ${fp.denseWeight}${fp.mode === 'rrf' ? `, k ${fp.rrfK}` : `, ${fp.normalization}`})`,
    await evaluate(plain.search, testSet, fp),
    plain.seconds,
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
  const top = [...tuned.tried].sort((a, b) => b.mrr - a.mrr).slice(0, 8);

  log(`\n${testSet.length} held-out queries (odd positions); ratios against BM25 over chunks (the baseline)`);
  log('| ranking | MRR | recall@10 | nDCG@10 | MRR ÷ BM25 | recall@10 ÷ BM25 | build CPU s | CPU ms/query |');
  log('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    log(
      `| ${r.label} | ${r.mrr.toFixed(4)} | ${r.recall10.toFixed(4)} | ${r.ndcg10.toFixed(4)} | ${(r.mrr / bm25.mrr).toFixed(3)} | ${(r.recall10 / bm25.recall10).toFixed(3)} | ${r.buildSeconds ? r.buildSeconds.toFixed(1) : '–'} | ${r.queryMs.toFixed(1)} |`,
    );
  log(`\nbest settings on the ${tuneSet.length} tuning queries (MRR there):`);
  for (const t of top) log(`  ${JSON.stringify(t.fusion)}  ${t.mrr.toFixed(4)}`);
  report.sets[setName] = { name, documents: docs.length, chunks: lsa.search.chunkCount, heldOut: testSet.length, rows, tuningTop: top };
  await plain.encoder.dispose?.();
  await lsa.encoder.dispose?.();
}
if (json) console.log(JSON.stringify(report, null, 2));
