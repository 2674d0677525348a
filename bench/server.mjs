// HTTP server under load: requests/s and p50/p99 latency of POST /v1/similar (GloVe 100-d, first
// 100k words, HNSW index) and POST /v1/search (a hybrid index of --docs documents cut from the shared
// corpus, glove-100-tfidf) at --connections concurrent connections, with autocannon; the RSS of the
// server process after loading, after each run, and at the end. Queries vary per request (random
// vocabulary words; phrases from the corpus). Each route is warmed up first (5 s); each run reports
// the server's CPU time per request (user + system, all its threads, from /proc) besides latency,
// and the 1-minute load average before and after. Optional anchor (--anchor): the same /similar query
// through Python's ThreadingHTTPServer + gensim 4.2 KeyedVectors.most_similar (exact, numpy).
//
// Usage: npm run build && npm run bench:server -- [--words 100000] [--docs 20000] [--connections 32]
//        [--duration 15] [--anchor] [--json]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const WORDS = Number(opt('--words', 100_000));
const DOCS = Number(opt('--docs', 20_000));
const CONNECTIONS = Number(opt('--connections', 32));
const DURATION = Number(opt('--duration', 15));
const json = args.includes('--json');
const log = (...a) => json || console.error(...a);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/corpus.txt.gz');
const CLI = path.join(ROOT, 'dist/cli/main.js');

const { loadGlove100 } = await import('../dist/encode/text/index.js');
const glove = await loadGlove100({ limit: WORDS });
const vocab = glove.vectors.words.slice(0, WORDS);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ek-bench-server-'));

/** Documents of ~60 words from consecutive corpus lines, then query phrases from the lines after them. */
async function corpusDocs() {
  const rl = readline.createInterface({ input: fs.createReadStream(CORPUS).pipe(zlib.createGunzip()) });
  const docs = [];
  const queries = [];
  let words = [];
  for await (const line of rl) {
    if (docs.length < DOCS) {
      words.push(...line.split(' ').filter(Boolean));
      if (words.length >= 60) {
        docs.push({ id: `d${docs.length}`, text: words.join(' '), part: docs.length % 10 });
        words = [];
      }
    } else {
      const q = line.split(' ').filter(Boolean).slice(0, 5);
      if (q.length >= 3) queries.push(q.join(' '));
      if (queries.length >= 2000) break;
    }
  }
  rl.close();
  return { docs, queries };
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** CPU time (user + system, every thread) of a process so far, in ms. */
function cpuMs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const loadAverage = () => Number(os.loadavg()[0].toFixed(2));

const rssMB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Starts `embedkit serve` and resolves with its URL once it listens. */
function startServer(argv) {
  const child = spawn(process.execPath, [CLI, 'serve', ...argv, '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (s) => {
      stderr += s;
      const m = /listening on (http:\/\/[^/\s]+)\//.exec(stderr);
      if (m) resolve({ child, url: m[1], stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
}

function pick(list, i) {
  return list[(i * 2654435761) % list.length];
}

/** autocannon over one POST route with a different body per request. */
async function load(url, route, body, { pid, duration = DURATION } = {}) {
  let n = 0;
  const cpu0 = pid ? cpuMs(pid) : 0;
  const result = await autocannon({
    url: `${url}${route}`,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(body(n++)) }),
      },
    ],
  });
  return {
    route,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ...(pid ? { serverCpuMsPerRequest: Number(((cpuMs(pid) - cpu0) / result.requests.total).toFixed(3)) } : {}),
  };
}

const report = {
  words: WORDS,
  docs: DOCS,
  connections: CONNECTIONS,
  duration: DURATION,
  cores: os.availableParallelism(),
  loadAverageStart: loadAverage(),
  runs: [],
};

log(`building a search index of ${DOCS} corpus documents (glove-100-tfidf)…`);
const { docs, queries } = await corpusDocs();
fs.writeFileSync(path.join(dir, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n'));
const t0 = performance.now();
run(process.execPath, [
  CLI,
  'search',
  'build',
  '--input',
  path.join(dir, 'docs.jsonl'),
  '--output',
  path.join(dir, 'index'),
  '--quiet',
  '--json',
]);
report.indexBuildSeconds = (performance.now() - t0) / 1000;

log(`starting embedkit serve (GloVe ${WORDS} words + the index)…`);
const t1 = performance.now();
const server = await startServer([`glove=${glove.file}`, `docs=${path.join(dir, 'index')}`, '--limit', String(WORDS)]);
report.serverStartSeconds = (performance.now() - t1) / 1000;
report.rssAfterLoadMB = rssMB(server.child.pid);

const routes = [
  ['/v1/similar', (i) => ({ model: 'glove', word: pick(vocab, i + 7), k: 10 })],
  ['/v1/search', (i) => ({ index: 'docs', text: pick(queries, i), k: 10 })],
];
for (const [route, body] of routes) {
  const warm = await load(server.url, route, (i) => body(i + 1_000_003), { duration: 5 });
  log(`warm-up ${route}: ${warm.requests} requests`);
}
for (const [route, body] of routes) {
  const r = await load(server.url, route, body, { pid: server.child.pid });
  r.rssAfterMB = rssMB(server.child.pid);
  report.runs.push({ server: 'embedkit', ...r });
  log(
    `${route}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}; server CPU ${r.serverCpuMsPerRequest} ms/request; RSS ${r.rssAfterMB.toFixed(0)} MB`,
  );
}
// bad requests under load too: memory must stay flat
const bad = await load(server.url, '/v1/similar', (i) => (i % 2 ? { model: 'glove', word: `zz${i}qq` } : { model: 'glove', k: 'x' }), {
  pid: server.child.pid,
});
report.badRequests = {
  requestsPerSecond: bad.requestsPerSecond,
  p99: bad.p99,
  non2xx: bad.non2xx,
  serverCpuMsPerRequest: bad.serverCpuMsPerRequest,
  requests: bad.requests,
  rssAfterMB: rssMB(server.child.pid),
};
report.rssEndMB = rssMB(server.child.pid);
server.child.kill('SIGTERM');
report.exitCode = await new Promise((resolve) => server.child.on('exit', resolve));

if (args.includes('--anchor')) {
  log('anchor: Python ThreadingHTTPServer + gensim most_similar…');
  const vec = path.join(dir, 'glove.txt');
  // the same first WORDS vectors, as word2vec text for gensim
  const kv = glove.vectors;
  const out = fs.createWriteStream(vec);
  out.write(`${WORDS} ${kv.dim}\n`);
  for (let i = 0; i < WORDS; i++) out.write(`${kv.wordAt(i)} ${Array.from(kv.vectorAt(i), (x) => x.toPrecision(7)).join(' ')}\n`);
  await new Promise((r) => out.end(r));
  const py = spawn('/usr/bin/python3', [path.join(ROOT, 'bench/server_anchor.py'), vec], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    py.stdout.setEncoding('utf8');
    py.stdout.on('data', (s) => {
      const m = /listening on (http:\/\/\S+)/.exec(s);
      if (m) resolve(m[1]);
    });
    py.on('exit', (code) => reject(new Error(`anchor exited (${code})`)));
  });
  const rssStart = rssMB(py.pid);
  await load(url, '/similar', (i) => ({ word: pick(vocab, i + 1_000_003), k: 10 }), { duration: 5 });
  const r = await load(url, '/similar', (i) => ({ word: pick(vocab, i + 7), k: 10 }), { pid: py.pid });
  report.runs.push({ server: 'python http.server + gensim most_similar', ...r, rssAfterLoadMB: rssStart, rssAfterMB: rssMB(py.pid) });
  log(`anchor /similar: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`);
  py.kill('SIGTERM');
}

report.loadAverageEnd = loadAverage();
fs.rmSync(dir, { recursive: true, force: true });
if (json) console.log(JSON.stringify(report));
else console.log(JSON.stringify(report, null, 2));
