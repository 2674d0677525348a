// Sharded search: latency and throughput of `POST /v1/search` through `embedkit serve --router` over
// S shard servers, side by side with one `embedkit serve` over the whole index, in one run. The
// collection is synthetic (seeded): --docs documents of 8 words from a vocabulary of 5,000 random
// 64-d word vectors (the `word-vectors` encoder), flat (exact) indexes; the shards split the
// documents round-robin. Each request is a different query (a random vector, or 3 random words as
// text). Latency at 1 connection (the router's own cost: one more hop, the fan-out, the merge;
// text queries one /v1/embed call more), then throughput at --connections. Every process shares
// this machine's cores, so the throughput figures show the extra work, not a scale-out.
//
// Usage: npm run build && node bench/router.mjs [--docs 10000] [--shards 2,3] [--connections 16] [--duration 5] [--json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const DOCS = Number(opt('--docs', 10_000));
const SHARD_COUNTS = String(opt('--shards', '2,3')).split(',').map(Number);
const CONNECTIONS = Number(opt('--connections', 16));
const DURATION = Number(opt('--duration', 5));
const json = args.includes('--json');
const log = (...a) => json || console.error(...a);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CLI = path.join(ROOT, 'dist/cli/main.js');
const VOCAB = 5000;
const DIM = 64;

const { loadWordVectorsEncoder } = await import('../dist/encode/text/index.js');
const { SemanticSearch, saveSearchIndex } = await import('../dist/tasks/index.js');

let seed = 42;
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ek-bench-router-'));
const words = Array.from({ length: VOCAB }, (_, i) => `w${i}`);
const vectorsFile = path.join(dir, 'vocab.txt');
fs.writeFileSync(
  vectorsFile,
  `${VOCAB} ${DIM}\n${words.map((w) => `${w} ${Array.from({ length: DIM }, () => (rand() * 2 - 1).toFixed(5)).join(' ')}`).join('\n')}\n`,
);
const docs = Array.from({ length: DOCS }, (_, i) => ({
  id: i,
  text: Array.from({ length: 8 }, () => words[Math.floor(rand() * VOCAB)]).join(' '),
}));

async function writeIndex(subset, name) {
  const encoder = await loadWordVectorsEncoder({ vectors: vectorsFile });
  const search = new SemanticSearch(encoder, { encoderName: 'word-vectors', encoderOptions: { vectors: vectorsFile }, indexType: 'flat' });
  await search.add(subset);
  const out = path.join(dir, name);
  await saveSearchIndex(search, out);
  return out;
}

const children = [];
function serve(argv) {
  const child = spawn(process.execPath, [CLI, 'serve', ...argv, '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (s) => {
      stderr += s;
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(stderr);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`serve ${argv.join(' ')} exited (${code}): ${stderr}`)));
  });
}

const queryVector = (i) => {
  let s = (i * 2654435761) >>> 0;
  return Array.from({ length: DIM }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1);
};
const queryText = (i) => [0, 1, 2].map((j) => words[((i + 1) * 2654435761 + j * 40503) % VOCAB]).join(' ');
const BODIES = {
  vector: (i) => ({ vector: queryVector(i), k: 10 }),
  // dense: the ranking the router merges (the single server's default for text is hybrid)
  text: (i) => ({ text: queryText(i), k: 10, mode: 'dense' }),
};

async function load(url, kind, connections, duration) {
  let n = 0;
  const result = await autocannon({
    url: `${url}/v1/search`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(BODIES[kind](n++)) }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
  };
}

const report = {
  docs: DOCS,
  dim: DIM,
  connections: CONNECTIONS,
  duration: DURATION,
  cores: os.availableParallelism(),
  load: os.loadavg()[0],
  runs: [],
};
try {
  log(`building a flat index of ${DOCS} documents and its shards (${SHARD_COUNTS.join(', ')})…`);
  const whole = await serve([`docs=${await writeIndex(docs, 'whole')}`]);
  const targets = [{ name: 'one server', url: whole.url }];
  for (const s of SHARD_COUNTS) {
    const shards = [];
    for (let p = 0; p < s; p++)
      shards.push(
        await serve([
          '--shard',
          `docs=${await writeIndex(
            docs.filter((d) => d.id % s === p),
            `s${s}-part-${p}`,
          )}`,
        ]),
      );
    // a generous shard timeout: on a busy machine a late shard would make answers partial
    const router = await serve([
      '--router',
      '--shard-timeout',
      '60000',
      '--shards',
      shards.map((x) => x.url.replace('http://', '')).join(','),
    ]);
    targets.push({ name: `router over ${s} shards`, url: router.url });
  }
  // the router's answers are the single server's (checked on a few queries before timing)
  for (let i = 0; i < 20; i++)
    for (const kind of ['vector', 'text']) {
      const answers = await Promise.all(
        targets.map(async (t) => {
          const r = await fetch(`${t.url}/v1/search`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(BODIES[kind](1e6 + i)),
          });
          const body = await r.json();
          if (body.partial) throw new Error(`${t.name}: partial answer ${JSON.stringify(body.failed)}`);
          return JSON.stringify(body.results);
        }),
      );
      if (new Set(answers).size !== 1)
        throw new Error(`the router's ${kind} answer differs from the single server's:\n${answers.join('\n')}`);
    }
  for (const t of targets) await load(t.url, 'vector', 4, 1); // warm-up (JIT, connections)
  for (const kind of ['vector', 'text'])
    for (const [connections, label] of [
      [1, 'latency'],
      [CONNECTIONS, 'throughput'],
    ])
      for (const t of targets) {
        const r = await load(t.url, kind, connections, DURATION);
        report.runs.push({ target: t.name, query: kind, connections, ...r });
        log(
          `${kind} ${label} (${connections} conn) ${t.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`,
        );
      }
} finally {
  for (const c of children) c.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
report.loadAfter = os.loadavg()[0];
if (json) console.log(JSON.stringify(report));
else console.log(JSON.stringify(report, null, 2));
