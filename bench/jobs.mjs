// Throughput of `embedkit jobs embed` on 1 and on 2 worker hosts, and of single-machine
// `embedkit embed`, side by side in one run. Hosts are network namespaces (bench/jobs-netns.mjs),
// each with its own veth link to redis-server on the root side; each host's worker is pinned to
// its own core with taskset (host 1 → core 0, host 2 → core 1), and so is the single-machine run
// (core 0); two single-machine runs at once on cores 0 and 1 (half the lines each) give the
// ceiling of the two cores (vCPUs that share a physical core do not give 2×). Encoder: the tiny-bert fixture (a real 2-layer BERT on onnxruntime, one thread). The
// workers are warmed up (model loaded) before timing; a timed jobs run is the submitter's wall time
// from start to the output written. Configurations alternate repetition by repetition, so a
// change of the machine's load hits all alike; reported: medians, the ratios, the load average, and
// the CPU seconds each worker got (a worker that got less than its core shows it), the share of
// the wall time the workers spent computing, Redis's CPU seconds, and the submitter's phases.
// The default size is a steady state: 160 000 lines take ~17 s on one core and ~9 s on two, so the
// fixed costs of a run (the submitter's start-up and planning, the last batch, the commit of the output) weigh a few
// percent, as they do on a real collection; a small --lines measures mostly those fixed costs.
// 1024 lines per job (~0.1 s of this tiny model, what 10–100 lines are for a real one) keep the
// per-job costs (BullMQ scripts, Redis calls, a shard file: a few ms of CPU) near 5%; --batch 128
// (14 ms jobs) measures mostly those per-job costs.
// --no-ceiling runs only the jobs configurations, 1 and 2 hosts in turns, for many repetitions on a
// machine whose speed drifts: each repetition's ratio compares two neighbouring runs, and the 1-host
// worker's CPU seconds per 1,000 items show which repetitions fell in a slow spell.
// Needs root (namespaces), redis-server, taskset. Usage:
//   npm run build && nice -n 19 npm run bench:jobs -- [--lines 160000] [--batch 1024] [--words 24] [--repeat 3] [--no-ceiling]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHosts, netnsSupport } from './jobs-netns.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const MODEL = join(ROOT, 'test/fixtures/models/tiny-bert');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const lines = opt('--lines', 160_000);
const batch = opt('--batch', 1024);
const words = opt('--words', 24);
const repeat = opt('--repeat', 3);
const noCeiling = args.includes('--no-ceiling');
const ENCODER = ['-e', 'transformer', '-m', MODEL, '-O', 'threads=1'];

const support = netnsSupport();
if (!support.ok) {
  console.error(`bench:jobs needs network namespaces: ${support.reason}`);
  process.exit(1);
}
if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.error('bench:jobs needs redis-server (apt-get install -y redis-server)');
  process.exit(1);
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process, seconds. */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

function run(command, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command.join(' ')} exited ${code}: ${err.slice(-800)}`))));
  });
}

/** A worker in a host namespace pinned to `core`; resolves once it reports ready. `done` counts its finished tasks. */
function startWorker(host, core, redisUrl, cwd) {
  const child = spawn(
    host.wrapper[0],
    [
      ...host.wrapper.slice(1),
      'taskset',
      '-c',
      String(core),
      process.execPath,
      CLI,
      'jobs',
      'worker',
      '--redis',
      redisUrl,
      '--json',
      '--name',
      host.name,
    ],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let buffer = '';
  const w = { child, pid: undefined, done: 0, compute: 0 };
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        const e = JSON.parse(line);
        if (e.event === 'ready') {
          w.pid = e.pid;
          resolve(w);
        } else if (e.event === 'done') {
          w.done++;
          w.compute += e.computeSeconds ?? 0;
        }
      }
    });
    child.on('exit', (code) => w.pid === undefined && reject(new Error(`worker exited ${code}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'bench-jobs-'));
const { hosts, remove } = createHosts(2);
let redis;
const workers = [];
try {
  const vocab =
    'the a cat dog sat on mat sun sky blue red green house car road city river tree bird run walk eat food water fish book read music play game ball happy sad big small fast slow hot cold rain snow night morning'.split(
      ' ',
    );
  let s = 7;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const text = Array.from({ length: lines }, () => Array.from({ length: words }, () => vocab[next() % vocab.length]).join(' ')).join('\n');
  writeFileSync(join(dir, 'input.txt'), `${text}\n`);
  writeFileSync(join(dir, 'warm.txt'), `${text.split('\n').slice(0, 64).join('\n')}\n`);
  const all = text.split('\n');
  writeFileSync(join(dir, 'half-0.txt'), `${all.slice(0, all.length >> 1).join('\n')}\n`);
  writeFileSync(join(dir, 'half-1.txt'), `${all.slice(all.length >> 1).join('\n')}\n`);

  const port = 20000 + (process.pid % 20000);
  redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      ...hosts.map((h) => h.hostAddr),
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  await sleep(500);
  const local = `redis://127.0.0.1:${port}`;
  for (const [k, h] of hosts.entries()) workers.push(await startWorker(h, k, `redis://${h.hostAddr}:${port}`, dir));

  /** The submitter's command line: `jobs embed` of `input` into `out`, `lines` lines per job. */
  const jobsEmbed = (input, out, lines) => [
    process.execPath,
    CLI,
    'jobs',
    'embed',
    '--redis',
    local,
    ...ENCODER,
    '-i',
    input,
    '-o',
    out,
    '--batch',
    String(lines),
    '--json',
  ];
  const jobsRun = async (out) => {
    const t0 = performance.now();
    const cpu0 = workers.map((w) => cpuSeconds(w.pid));
    const compute0 = workers.map((w) => w.compute);
    const redis0 = cpuSeconds(redis.pid);
    const summary = JSON.parse(await run(jobsEmbed('input.txt', out, batch), { cwd: dir }));
    const seconds = (performance.now() - t0) / 1000;
    return {
      seconds,
      itemsPerSecond: summary.inputs / seconds,
      cpu: workers.map((w, i) => cpuSeconds(w.pid) - cpu0[i]),
      // share of the wall time each worker spent in its encoder (the rest: idle, reading, writing, Redis)
      busy: workers.map((w, i) => (w.compute - compute0[i]) / seconds),
      redisCpu: cpuSeconds(redis.pid) - redis0,
      phases: summary.phases,
    };
  };
  // Warm-up: small jobs until every worker has loaded the model and finished a batch.
  const warm = async () => {
    for (let i = 0; workers.some((w) => w.done === 0); i++) {
      if (i > 20) throw new Error('a worker never took a warm-up batch');
      await run(jobsEmbed('warm.txt', 'warm.fvecs', 4), { cwd: dir });
    }
  };
  await warm();

  const results = { single: [], pair: [], one: [], two: [] };
  const embedOn = async (core, input, out) =>
    JSON.parse(
      await run(
        ['taskset', '-c', String(core), process.execPath, CLI, 'embed', 'text', ...ENCODER, '-i', input, '-o', out, '--json', '-q'],
        {
          cwd: dir,
        },
      ),
    );
  const load = [loadavg()[0]];
  // 1 host: host 2's worker leaves the cluster (SIGTERM: it closes its connection), then comes back warm
  const oneHost = async (rep) => {
    const second = workers.pop();
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    results.one.push(await jobsRun(`one-${rep}.fvecs`));
    workers.push(await startWorker(hosts[1], 1, `redis://${hosts[1].hostAddr}:${port}`, dir));
    await warm();
  };
  for (let rep = 0; rep < repeat; rep++) {
    if (noCeiling) {
      // Only the two configurations, in turns (1 then 2 hosts, then 2 then 1, …), so that the
      // machine's slow spells fall on both alike and each repetition's ratio compares neighbours.
      if (rep % 2 === 0) {
        await oneHost(rep);
        results.two.push(await jobsRun(`two-${rep}.fvecs`));
      } else {
        results.two.push(await jobsRun(`two-${rep}.fvecs`));
        await oneHost(rep);
      }
      load.push(loadavg()[0]);
      continue;
    }
    // single machine, pinned to core 0 (its own items/s: after the model load)
    const single = JSON.parse(
      await run(
        ['taskset', '-c', '0', process.execPath, CLI, 'embed', 'text', ...ENCODER, '-i', 'input.txt', '-o', 'single.fvecs', '--json', '-q'],
        { cwd: dir },
      ),
    );
    results.single.push({ itemsPerSecond: single.itemsPerSecond, seconds: single.seconds });
    // What the two cores give at best: two single-machine runs at once, half of the lines each
    // (vCPUs may share a physical core or its caches, so this can be below 2×).
    const pair = await Promise.all([embedOn(0, 'half-0.txt', 'pair-0.fvecs'), embedOn(1, 'half-1.txt', 'pair-1.fvecs')]);
    results.pair.push({ itemsPerSecond: pair[0].itemsPerSecond + pair[1].itemsPerSecond });
    results.two.push(await jobsRun(`two-${rep}.fvecs`));
    await oneHost(rep);
    load.push(loadavg()[0]);
  }
  const m = (a, key) => (a.length > 0 ? median(a.map((r) => r[key])) : NaN);
  const single = m(results.single, 'itemsPerSecond');
  const pair = m(results.pair, 'itemsPerSecond');
  // Each repetition's own ratio (its 1-host and 2-host runs ran back to back), and the 1-host
  // worker's CPU seconds per 1,000 items: the machine's speed in that repetition (a VM's slow
  // spell makes the same work cost more CPU time; such a repetition's ratio measures the spell).
  const perRep = results.one.map((o, i) => ({
    ratio: results.two[i].itemsPerSecond / o.itemsPerSecond,
    cpuPerK: (o.cpu[0] / lines) * 1000,
    twoCpuPerK: ((results.two[i].cpu[0] + results.two[i].cpu[1]) / lines) * 1000,
  }));
  const one = m(results.one, 'itemsPerSecond');
  const two = m(results.two, 'itemsPerSecond');
  const row = (name, r, ips) => `${name.padEnd(34)} ${ips.toFixed(1).padStart(8)} items/s   ${(ips / one).toFixed(2)}× 1 host   ${r}`;
  console.log(
    `bench:jobs — ${lines} lines × ${words} words, tiny-bert (onnxruntime, 1 thread), ${batch} lines per job, median of ${repeat}`,
  );
  if (!noCeiling) {
    console.log(row('embed (one machine, core 0)', `load ${results.single.map((r) => r.seconds.toFixed(1)).join('/')} s total`, single));
    console.log(row('2 × embed at once (cores 0,1)', `half the lines each: the cores' ceiling, ${(pair / single).toFixed(2)}× one`, pair));
  }
  console.log(
    row(
      'jobs embed, 1 worker host (core 0)',
      `wall ${results.one.map((r) => r.seconds.toFixed(2)).join('/')} s, worker CPU ${results.one.map((r) => r.cpu[0].toFixed(1)).join('/')} s`,
      one,
    ),
  );
  console.log(
    row(
      'jobs embed, 2 worker hosts (cores 0,1)',
      `wall ${results.two.map((r) => r.seconds.toFixed(2)).join('/')} s, worker CPU ${results.two.map((r) => r.cpu.map((c) => c.toFixed(1)).join('+')).join(' / ')} s`,
      two,
    ),
  );
  const phases = (r) =>
    ['start', 'connect', 'plan', 'run', 'assemble'].map((k) => `${k} ${median(r.map((x) => x.phases?.[k] ?? NaN)).toFixed(2)}`).join(', ');
  for (const [name, r] of [
    ['1 host ', results.one],
    ['2 hosts', results.two],
  ])
    console.log(
      `${name}: submitter phases (s, median) ${phases(r)}; workers computing ${r.map((x) => x.busy.map((b) => `${(b * 100).toFixed(0)}%`).join('+')).join(' / ')} of the wall time; redis-server CPU ${r.map((x) => x.redisCpu.toFixed(2)).join('/')} s`,
    );
  console.log(
    `2 hosts / 1 host: ${(two / one).toFixed(2)}× (cores' ceiling ${(pair / single).toFixed(2)}×)   1 host / one machine: ${(one / single).toFixed(2)}×   load average (1 min) during the run: ${load.map((l) => l.toFixed(1)).join(', ')}`,
  );
  console.log(
    `per repetition: 2 hosts / 1 host ${perRep.map((r) => `${r.ratio.toFixed(2)}×`).join(', ')} (median ${median(perRep.map((r) => r.ratio)).toFixed(2)}×); worker CPU s per 1,000 items, 1 host ${perRep.map((r) => r.cpuPerK.toFixed(3)).join('/')}, 2 hosts ${perRep.map((r) => r.twoCpuPerK.toFixed(3)).join('/')}`,
  );
  console.log(
    JSON.stringify({
      perRep,
      lines,
      words,
      batch,
      repeat,
      single,
      pair,
      one,
      two,
      scaling: two / one,
      vsSingle: one / single,
      ceiling: pair / single,
      load,
      results,
    }),
  );
} finally {
  for (const w of workers) w.child.kill('SIGKILL');
  redis?.kill('SIGKILL');
  await sleep(200);
  remove();
  rmSync(dir, { recursive: true, force: true });
}
