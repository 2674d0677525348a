// `npm run fuzz`: a long fuzz campaign over every reader (docs/fuzzing.md). Cases are split evenly
// between the targets and run in chunks in worker processes; a watchdog kills a worker whose case
// runs longer than --hang-ms (a hang is reported, not waited for) and starts a new one, as it does
// when a worker dies (a V8 fatal error or exhausted memory in a reader).
//
//   npm run fuzz -- [--cases 100000] [--seed N] [--targets ekv,npy] [--jobs 1] [--chunk 500]
//                   [--slow-ms 5000] [--hang-ms 30000] [--findings DIR] [--messages N]
//   (--messages N: also print each target's N most frequent rejection messages)
//   npm run fuzz -- --replay TARGET:SEED:PATH     re-runs one case and prints what happened
//   npm run fuzz -- --list
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS, type CaseLimits } from './lib/run-case.js';
import type { ChunkDone, ChunkError, ChunkFailure, ChunkRequest, WorkerReply, WorkerSetup } from './protocol.js';
import { printReport, type TargetTotals } from './report.js';
import { replay } from './replay.js';
import { TARGETS } from './targets/index.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    targets: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    chunk: { type: 'string', default: '500' },
    'slow-ms': { type: 'string', default: String(DEFAULT_LIMITS.slowMs) },
    'hang-ms': { type: 'string', default: '30000' },
    findings: { type: 'string' },
    replay: { type: 'string' },
    list: { type: 'boolean', default: false },
    messages: { type: 'string', default: '0' },
  },
});

function count(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`fuzz: --${name} must be an integer ≥ ${min}, got ${text}`);
    process.exit(2);
  }
  return n;
}

if (values.list) {
  for (const [name, make] of Object.entries(TARGETS)) console.log(`${name.padEnd(14)} ${make().readers}`);
  process.exit(0);
}
if (values.replay) process.exit(await replay(values.replay));

const names = values.targets ? values.targets.split(',') : Object.keys(TARGETS);
for (const name of names) {
  if (!(name in TARGETS)) {
    console.error(`fuzz: unknown target '${name}' (known: ${Object.keys(TARGETS).join(', ')})`);
    process.exit(2);
  }
}
const total = count('cases', values.cases, 1);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : count('seed', values.seed, 0);
const jobs = count('jobs', values.jobs, 1);
const chunkSize = count('chunk', values.chunk, 1);
const hangMs = count('hang-ms', values['hang-ms'], 100);
const limits: CaseLimits = { ...DEFAULT_LIMITS, slowMs: count('slow-ms', values['slow-ms'], 1) };
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'embedkit-fuzz-'));
const findings = values.findings ?? path.join(os.tmpdir(), `embedkit-fuzz-findings-${seed}`);

/** The chunks: each target's share of the cases, `chunkSize` at a time, each with its own seed. */
const queue: ChunkRequest[] = [];
names.forEach((target, t) => {
  const share = Math.floor(total / names.length) + (t < total % names.length ? 1 : 0);
  for (let done = 0, k = 0; done < share; done += chunkSize, k++) {
    queue.push({
      type: 'chunk',
      target,
      seed: (seed + Math.imul(t + 1, 0x9e3779b1) + k * 7919) >>> 1,
      runs: Math.min(chunkSize, share - done),
      limits,
    });
  }
});

const totals = new Map<string, TargetTotals>(
  names.map((n) => [n, { cases: 0, loaded: 0, rejected: 0, messages: new Map(), ms: 0, failures: [] }]),
);
const failures: ChunkFailure[] = [];

interface Slot {
  child: ChildProcess;
  dir: string;
  chunk?: ChunkRequest;
  /** Cases started in the current chunk, and when the last one started. */
  beats: number;
  lastBeat: number;
  started: number;
  /** The end of the child's stderr (a fatal error's message). */
  stderr: string;
}

console.log(
  `embedkit fuzz: ${total} cases over ${names.length} targets, seed ${seed}, ${jobs} job(s), chunks of ${chunkSize}; findings go to ${findings}`,
);
const t0 = performance.now();

await new Promise<void>((resolve) => {
  const slots: Slot[] = [];
  let running = 0;

  function record(failure: ChunkFailure): void {
    failures.push(failure);
    totals.get(failure.target)!.failures.push(failure);
    console.log(`  FAIL ${failure.target} (seed ${failure.seed}, path ${failure.path}): ${failure.detail.split('\n')[0].slice(0, 200)}`);
  }

  function spawn(index: number): Slot {
    const dir = path.join(scratch, `w${index}-${Date.now()}`);
    const child = fork(fileURLToPath(new URL('./worker.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    const slot: Slot = { child, dir, beats: 0, lastBeat: performance.now(), started: performance.now(), stderr: '' };
    child.stderr!.on('data', (data: Buffer) => (slot.stderr = (slot.stderr + data.toString()).slice(-4000)));
    child.on('message', (reply: WorkerReply) => {
      if (reply.type === 'beat') {
        slot.beats++;
        slot.lastBeat = performance.now();
      } else finish(slot, reply);
    });
    child.on('exit', (code, signal) => {
      const why =
        slot.stderr
          .split('\n')
          .find((l) => /fatal|error/i.test(l))
          ?.replace(/^#\s*/, '') ?? '';
      if (slot.chunk) lost(slot, `the worker process died (${signal ?? `exit code ${code}`})${why ? `: ${why.trim()}` : ''}`);
    });
    const setup: WorkerSetup = { type: 'setup', dir, findings };
    child.send(setup);
    return slot;
  }

  function next(slot: Slot): void {
    const chunk = queue.shift();
    slot.chunk = chunk;
    if (!chunk) {
      slot.child.disconnect();
      if (--running === 0) resolve();
      return;
    }
    slot.beats = 0;
    slot.lastBeat = performance.now();
    slot.started = performance.now();
    slot.child.send(chunk);
  }

  function finish(slot: Slot, reply: ChunkDone | ChunkError): void {
    const t = totals.get(reply.target)!;
    if (reply.type === 'error') {
      record({
        target: reply.target,
        seed: slot.chunk?.seed ?? -1,
        path: '-',
        detail: `the worker failed: ${reply.message}`,
        description: '',
      });
    } else {
      t.cases += reply.cases;
      t.loaded += reply.loaded;
      t.rejected += reply.rejected;
      t.ms += reply.ms;
      for (const [shape, n] of reply.messages) t.messages.set(shape, (t.messages.get(shape) ?? 0) + n);
      if (reply.failure) record(reply.failure);
    }
    next(slot);
  }

  /** A worker hung or died during a case: report that case, replace the worker, go on with the next chunk. */
  function lost(slot: Slot, why: string): void {
    const chunk = slot.chunk;
    if (!chunk) return;
    slot.chunk = undefined;
    const index = slot.beats - 1;
    const failure: ChunkFailure = {
      target: chunk.target,
      seed: chunk.seed,
      path: String(Math.max(0, index)),
      detail: why,
      description: `case ${index} of the chunk (or one fast-check tried while shrinking a failure)`,
    };
    const caseFile = fs.existsSync(slot.dir) ? fs.readdirSync(slot.dir).find((f) => f.startsWith('case')) : undefined;
    if (caseFile) {
      fs.mkdirSync(findings, { recursive: true });
      failure.saved = path.join(findings, `${chunk.target}-${chunk.seed}-${failure.path}-lost${caseFile.slice(4)}`);
      fs.copyFileSync(path.join(slot.dir, caseFile), failure.saved);
    }
    const t = totals.get(chunk.target)!;
    t.cases += Math.max(0, index + 1);
    t.ms += performance.now() - slot.started;
    record(failure);
    slot.child.removeAllListeners();
    slot.child.kill('SIGKILL');
    const i = slots.indexOf(slot);
    slots[i] = spawn(i);
    next(slots[i]);
  }

  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const slot of slots) if (slot.chunk && now - slot.lastBeat > hangMs) lost(slot, `hang: a case ran for more than ${hangMs} ms`);
  }, 250);
  watchdog.unref();

  for (let i = 0; i < Math.min(jobs, queue.length); i++) {
    slots.push(spawn(i));
    running++;
  }
  for (const slot of [...slots]) next(slot);
  if (running === 0) resolve();
});

fs.rmSync(scratch, { recursive: true, force: true });
printReport(names, totals, failures, seed, (performance.now() - t0) / 1000, count('messages', values.messages, 0));
process.exit(failures.length > 0 ? 1 : 0);
