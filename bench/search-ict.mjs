// Experiment (not a library feature): can a dense encoder learned from the collection itself lift
// the hybrid above BM25? A bag-of-words + hashed-bigram encoder (StarSpace / fastText-like: a chunk
// or query is the IDF-weighted sum of its terms' vectors, L2-normalised; term vectors initialised
// from GloVe 100-d where GloVe knows the term) trained by the inverse cloze task (Lee, Chang &
// Toutanova 2019): a sentence of a chunk is a pseudo-query, the chunk without it (90 % of the time)
// its positive, the other chunks of the batch the negatives (softmax over cosine / τ, row-wise
// Adagrad). Optionally (`pairs` rows) also on the tuning half's real (query, document) pairs.
// Plain JS on one thread: a measurement, not a product.
//
// Rows on the odd-numbered (held-out) queries of each set (bench/search-sets.mjs), as bench/search.mjs.
// "oracle" = per query the better reciprocal rank (top 10) of BM25 and the dense side alone: what
// a perfect per-query choice between the two could reach, an upper bound for rank fusion in practice.
// Usage: npm run build && nice -n 19 node bench/search-ict.mjs [--sets npm,debian,man,python]
//        [--epochs 20] [--tau 0.05] [--lr 0.05] [--batch 128] [--buckets 65536] [--no-bigrams]
//        [--no-glove] [--hard] [--remove 0.9]
// --hard: add one BM25 hard negative per pair (the best BM25 chunk of another document).
import { querySet } from './search-sets.mjs';

const { SemanticSearch, tuneFusion, FUSION_GRID } = await import('../dist/tasks/search/index.js');
const { chunkText } = await import('../dist/tasks/search/chunk.js');
const { lexicalTerms } = await import('../dist/tasks/search/lexical-tokens.js');
const { loadEncoder } = await import('../dist/encode/index.js');
const { loadGlove100 } = await import('../dist/encode/text/glove.js');
const { evaluateRankings } = await import('../dist/evaluate/ranking-metrics.js');

const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const sets = opt('--sets', 'npm,debian,man,python').split(',');
const epochs = Number(opt('--epochs', 20));
const tau = Number(opt('--tau', 0.05));
const lr = Number(opt('--lr', 0.05));
const batch = Number(opt('--batch', 128));
const buckets = Number(opt('--buckets', 1 << 16));
const bigrams = !args.includes('--no-bigrams');
const gloveInit = !args.includes('--no-glove');
const hard = args.includes('--hard');
const removeProb = Number(opt('--remove', 0.9));
const DIM = 100;

const cpu = (from) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
};
const qrels = (qs) => new Map(qs.map((q) => [q.id, new Set(q.relevant)]));
async function evaluate(search, qs, fusion) {
  const results = new Map();
  for (const q of qs)
    results.set(
      q.id,
      (await search.query(q.text, { k: 10, fusion })).map((h) => h.id),
    );
  const r = evaluateRankings(results, qrels(qs), [1, 10]);
  return { mrr: r.mrr, recall10: r.recall[10] };
}

// xorshift
let seed = 12345;
const reseed = () => (seed = 12345);
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

const glove = gloveInit ? (await loadGlove100()).vectors : null;

function hash(a, b) {
  let h = 2166136261;
  const s = a + '\u0001' + b;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % buckets;
}

class Model {
  constructor(chunks) {
    this.vocab = new Map();
    const df = [];
    for (const c of chunks) {
      const seen = new Set();
      for (const t of lexicalTerms(c)) {
        let id = this.vocab.get(t);
        if (id === undefined) {
          id = this.vocab.size;
          this.vocab.set(t, id);
          df.push(0);
        }
        if (!seen.has(id)) {
          seen.add(id);
          df[id]++;
        }
      }
    }
    const V = this.vocab.size;
    this.V = V;
    this.idf = new Float32Array(V + (bigrams ? buckets : 0));
    const N = chunks.length;
    for (let i = 0; i < V; i++) this.idf[i] = Math.log((1 + N) / (1 + df[i])) + 1;
    for (let i = V; i < this.idf.length; i++) this.idf[i] = 1;
    const rows = this.idf.length;
    this.E = new Float32Array(rows * DIM);
    let known = 0;
    for (const [t, id] of this.vocab) {
      const g = glove && glove.indexOf(t) >= 0 ? glove.get(t) : null;
      if (g) known++;
      for (let j = 0; j < DIM; j++) this.E[id * DIM + j] = g ? g[j] : 0.4 * gauss();
    }
    for (let i = V; i < rows; i++) for (let j = 0; j < DIM; j++) this.E[i * DIM + j] = 0.1 * gauss();
    this.acc = new Float32Array(rows).fill(1e-6);
    this.known = known;
  }
  features(text) {
    const terms = lexicalTerms(text);
    const ids = [];
    const w = [];
    let prev;
    for (const t of terms) {
      const id = this.vocab.get(t);
      if (id !== undefined) {
        ids.push(id);
        w.push(this.idf[id]);
      }
      if (bigrams && prev !== undefined) {
        ids.push(this.V + hash(prev, t));
        w.push(1);
      }
      prev = t;
    }
    return { ids, w };
  }
  /** v = Σ w E[id]; returns unit u and norm */
  encode(f, out) {
    out.fill(0);
    for (let k = 0; k < f.ids.length; k++) {
      const o = f.ids[k] * DIM;
      const wk = f.w[k];
      for (let j = 0; j < DIM; j++) out[j] += wk * this.E[o + j];
    }
    let n = 0;
    for (let j = 0; j < DIM; j++) n += out[j] * out[j];
    n = Math.sqrt(n) || 1;
    for (let j = 0; j < DIM; j++) out[j] /= n;
    return n;
  }
  backward(f, u, norm, g) {
    // dL/dv = (g − u (u·g)) / norm, then E[id] -= lr * w * dv (row-wise adagrad)
    let ug = 0;
    for (let j = 0; j < DIM; j++) ug += u[j] * g[j];
    const dv = new Float32Array(DIM);
    let gn = 0;
    for (let j = 0; j < DIM; j++) {
      dv[j] = (g[j] - u[j] * ug) / norm;
      gn += dv[j] * dv[j];
    }
    for (let k = 0; k < f.ids.length; k++) {
      const id = f.ids[k];
      const wk = f.w[k];
      this.acc[id] += (wk * wk * gn) / DIM;
      const step = (lr * wk) / Math.sqrt(this.acc[id]);
      const o = id * DIM;
      for (let j = 0; j < DIM; j++) this.E[o + j] -= step * dv[j];
    }
  }
  trainBatch(pairs) {
    const B = pairs.length;
    const qf = pairs.map((p) => this.features(p.q));
    const df = pairs.map((p) => this.features(p.d)).concat(pairs.filter((p) => p.neg).map((p) => this.features(p.neg)));
    const D = df.length;
    const qu = qf.map(() => new Float32Array(DIM));
    const du = df.map(() => new Float32Array(DIM));
    const qn = qf.map((f, i) => this.encode(f, qu[i]));
    const dn = df.map((f, i) => this.encode(f, du[i]));
    const gq = qf.map(() => new Float32Array(DIM));
    const gd = df.map(() => new Float32Array(DIM));
    let loss = 0;
    const s = new Float64Array(D);
    for (let i = 0; i < B; i++) {
      let mx = -Infinity;
      for (let j = 0; j < D; j++) {
        let d = 0;
        for (let k = 0; k < DIM; k++) d += qu[i][k] * du[j][k];
        s[j] = d / tau;
        if (s[j] > mx) mx = s[j];
      }
      let z = 0;
      for (let j = 0; j < D; j++) z += s[j] = Math.exp(s[j] - mx);
      loss += -Math.log(s[i] / z);
      for (let j = 0; j < D; j++) {
        const c = (s[j] / z - (i === j ? 1 : 0)) / tau / B;
        if (c === 0) continue;
        for (let k = 0; k < DIM; k++) {
          gq[i][k] += c * du[j][k];
          gd[j][k] += c * qu[i][k];
        }
      }
    }
    for (let i = 0; i < B; i++) this.backward(qf[i], qu[i], qn[i], gq[i]);
    for (let j = 0; j < D; j++) this.backward(df[j], du[j], dn[j], gd[j]);
    return loss / B;
  }
}

function sentences(chunk) {
  return chunk
    .split(/(?<=[.!?:])\s+|\s*\n\s*/u)
    .map((s) => s.trim())
    .filter((s) => {
      const n = lexicalTerms(s).length;
      return n >= 3 && n <= 40;
    });
}

function ictPair(chunk) {
  const ss = sentences(chunk);
  if (ss.length < 2) return null;
  const s = ss[Math.floor(rand() * ss.length)];
  const rest = rand() < removeProb ? chunk.replace(s, ' ') : chunk;
  return { q: s, d: rest };
}

const fmt = (x) => x.toFixed(4);
for (const setName of sets) {
  const { name, docs, queries } = querySet(setName, { limit: 1500, manLimit: 1000 });
  const tuneSet = queries.filter((_, i) => i % 2 === 0);
  const testSet = queries.filter((_, i) => i % 2 === 1);
  const chunks = [];
  const chunkDoc = [];
  docs.forEach((d, i) => {
    for (const c of chunkText(d.text)) {
      chunks.push(c);
      chunkDoc.push(i);
    }
  });
  const docIndex = new Map(docs.map((d, i) => [d.id, i]));
  const docChunks = new Map();
  chunkDoc.forEach((d, c) => (docChunks.get(d) ?? docChunks.set(d, []).get(d)).push(c));
  const glv = new SemanticSearch(await loadEncoder('glove-100-tfidf'), { encoderName: 'glove-100-tfidf', indexType: 'flat' });
  await glv.add(docs);
  const addNeg = async (p, posDoc) => {
    const hits = await glv.query(p.q, { k: 5, fusion: { mode: 'bm25' } });
    const h = hits.find((x) => x.id !== docs[posDoc].id);
    if (h) {
      const cs = docChunks.get(docIndex.get(h.id));
      p.neg = chunks[cs[Math.floor(rand() * cs.length)]];
    }
  };

  async function train(withPairs) {
    reseed();
    const t0 = process.cpuUsage();
    const model = new Model(chunks);
    let loss = 0;
    for (let e = 0; e < epochs; e++) {
      const pairs = [];
      for (let ci = 0; ci < chunks.length; ci++) {
        const p = ictPair(chunks[ci]);
        if (!p) continue;
        if (hard) await addNeg(p, chunkDoc[ci]);
        pairs.push(p);
      }
      if (withPairs)
        for (const q of tuneSet) {
          const doc = docIndex.get(q.relevant[0]);
          const p = { q: q.text, d: chunks[docChunks.get(doc)[0]] }; // the document's first chunk
          if (hard) await addNeg(p, doc);
          pairs.push(p);
        }
      for (let i = pairs.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
      }
      loss = 0;
      let nb = 0;
      for (let i = 0; i + batch <= pairs.length; i += batch) {
        loss += model.trainBatch(pairs.slice(i, i + batch));
        nb++;
      }
      loss /= nb;
    }
    const seconds = cpu(t0);
    const encoder = {
      name: 'ict-bag-of-words',
      modality: 'text',
      dimension: DIM,
      async embed(texts) {
        const data = new Float32Array(texts.length * DIM);
        const errors = [];
        const u = new Float32Array(DIM);
        texts.forEach((t, i) => {
          const f = model.features(t);
          if (f.ids.length === 0) {
            errors.push({ index: i, message: 'no known term' });
            return;
          }
          model.encode(f, u);
          data.set(u, i * DIM);
        });
        return { rows: texts.length, dim: DIM, data, errors };
      },
    };
    const search = new SemanticSearch(encoder, { encoderName: encoder.name, indexType: 'flat' });
    await search.add(docs);
    return { search, seconds, loss, model };
  }

  async function oracle(search) {
    let sum = 0;
    const rr = async (q, mode) => {
      const r = (await search.query(q.text, { k: 10, fusion: { mode } })).findIndex((h) => h.id === q.relevant[0]);
      return r < 0 ? 0 : 1 / (r + 1);
    };
    for (const q of testSet) sum += Math.max(await rr(q, 'bm25'), await rr(q, 'dense'));
    return sum / testSet.length;
  }

  const grid = FUSION_GRID.filter((f) => f.latentWeight === 0);
  const label = (f) =>
    `${f.mode}, dense ${f.denseWeight}, document ${f.documentWeight}${f.mode === 'rrf' ? `, k ${f.rrfK}` : `, ${f.normalization}`}`;
  const rows = [];
  const bm = await evaluate(glv, testSet, { mode: 'bm25' });
  const row = (l, r, extra = '') =>
    rows.push(
      `| ${setName} | ${l} | ${fmt(r.mrr)} | ${fmt(r.recall10)} | ${(r.mrr / bm.mrr).toFixed(3)} | ${(r.recall10 / bm.recall10).toFixed(3)} | ${extra} |`,
    );
  row('BM25, chunks (baseline)', bm);
  row('dense only, pooled GloVe', await evaluate(glv, testSet, { mode: 'dense' }));
  row('hybrid, library default (pooled GloVe, convex dense 0.1)', await evaluate(glv, testSet, undefined));
  const tg = (await tuneFusion(glv, tuneSet, { apply: false, grid })).best;
  row(`hybrid GloVe tuned on the tuning half (${label(tg)})`, await evaluate(glv, testSet, tg));
  for (const withPairs of [false, true]) {
    const name = withPairs ? 'ICT + tuning-half pairs' : 'ICT';
    const t = await train(withPairs);
    const trainNote = `train ${t.seconds.toFixed(1)} CPU s, final loss ${t.loss.toFixed(3)}`;
    row(`dense only, ${name} encoder`, await evaluate(t.search, testSet, { mode: 'dense' }), trainNote);
    for (const w of [0.1, 0.2, 0.3, 0.5])
      row(
        `hybrid ${name}, convex dense ${w}, min–max`,
        await evaluate(t.search, testSet, { mode: 'convex', denseWeight: w, documentWeight: 0 }),
      );
    if (!withPairs) {
      const tt = (await tuneFusion(t.search, tuneSet, { apply: false, grid })).best;
      row(`hybrid ${name} tuned on the tuning half (${label(tt)})`, await evaluate(t.search, testSet, tt));
    }
    const o = await oracle(t.search);
    rows.push(`| ${setName} | oracle: better of BM25 and ${name} dense per query | ${fmt(o)} | – | ${(o / bm.mrr).toFixed(3)} | – | |`);
    if (!withPairs) console.log(`${name}: ${t.model.V} terms (${t.model.known} in GloVe)${bigrams ? ` + ${buckets} bigram buckets` : ''}`);
  }
  console.log(`\n${name}: ${docs.length} documents, ${chunks.length} chunks, ${testSet.length} held-out queries`);
  console.log('| set | ranking | MRR | recall@10 | MRR ÷ BM25 | recall@10 ÷ BM25 | |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}
