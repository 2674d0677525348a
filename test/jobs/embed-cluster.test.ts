// `embedkit jobs embed` on a real redis-server with real worker processes (the built CLI): the
// output equals single-machine `embedkit embed`, after a worker is killed -9 mid-batch, after the
// submitter is killed and rerun, and a batch that keeps failing is retried, then reported.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVecsSync } from '../../src/io/index.js';
import { doneKey, endedKey } from '../../src/jobs/keys.js';
import { ROOT } from '../helpers/paths.js';
import {
  freePort,
  hasRedisServer,
  runCli,
  startCli,
  startRedis,
  startWorkerCli,
  stopProcess,
  syntheticLines,
  type CliProcess,
  type RedisServer,
} from './cluster.js';

const TINY_BERT = join(ROOT, 'test/fixtures/models/tiny-bert');
// A real transformer (2 layers, random weights) on onnxruntime, one thread: slow enough per batch to be killed mid-batch.
const ENCODER = ['-e', 'transformer', '-m', TINY_BERT, '-O', 'threads=1'];
const LINES = 1200;
// 128 lines per job: a multiple of the encoder's 16 inputs per model call that divides the 1024-input
// chunks of `embed`, so both runs pad the same groups of lines together.
const BATCH = 128;

let dir: string;
let redis: RedisServer;
const workers: CliProcess[] = [];
let reference: { data: Float32Array; rows: number; dim: number };
let referenceIds: string[];

function shardExists(workDir: string, task: string): boolean {
  return existsSync(join(workDir, `${task}.ekjb`));
}

function expectSameAsReference(file: string): void {
  const out = readVecsSync(file, 'fvecs');
  expect(out.rows).toBe(reference.rows);
  expect(out.dim).toBe(reference.dim);
  let maxDiff = 0;
  for (let i = 0; i < out.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out.data[i] - reference.data[i]));
  expect(maxDiff).toBeLessThanOrEqual(1e-6);
  const ids = readFileSync(`${file}.ids`, 'utf8').trimEnd().split('\n');
  expect(ids).toEqual(referenceIds); // same rows in the same order, none doubled
  expect(new Set(ids).size).toBe(ids.length);
}

beforeAll(async () => {
  expect(hasRedisServer(), 'redis-server is not installed (apt-get install -y redis-server; scripts/system-packages.mjs lists it)').toBe(
    true,
  );
  expect(existsSync(join(TINY_BERT, 'onnx/model.onnx')), 'the tiny-bert fixture is missing').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'embedkit-jobs-'));
  writeFileSync(join(dir, 'lines.txt'), `${syntheticLines(LINES).join('\n')}\n`);
  redis = await startRedis();
  const ref = await runCli(['embed', 'text', ...ENCODER, '-i', 'lines.txt', '-o', 'ref.fvecs', '-q'], { cwd: dir });
  expect(ref.code, ref.err).toBe(0);
  reference = readVecsSync(join(dir, 'ref.fvecs'), 'fvecs');
  referenceIds = readFileSync(join(dir, 'ref.fvecs.ids'), 'utf8').trimEnd().split('\n');
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w.child, 'SIGKILL')));
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('jobs embed', () => {
  it('redoes the batch of a worker killed -9 mid-batch; the output equals single-machine embed', async () => {
    const a = await startWorkerCli(redis.url, ['--lock-seconds', '1']);
    workers.push(a);
    const submit = startCli(
      [
        'jobs',
        'embed',
        '--redis',
        redis.url,
        ...ENCODER,
        '-i',
        'lines.txt',
        '-o',
        'killed.fvecs',
        '--batch',
        String(BATCH),
        '--json',
        '--keep-work',
      ],
      { cwd: dir },
    );
    const started = await a.waitFor((e) => e.event === 'start');
    a.child.kill('SIGKILL');
    await a.exited;
    const workDir = join(dir, '.killed.fvecs.jobs');
    expect(shardExists(workDir, String(started.task)), 'the batch finished before the kill').toBe(false);
    const b = await startWorkerCli(redis.url, ['--lock-seconds', '1']);
    workers.push(b);
    const code = await submit.exited;
    expect(code, submit.stderr).toBe(0);
    // The killed batch was started again by the other worker and finished there.
    expect(b.events.some((e) => e.event === 'done' && e.task === started.task)).toBe(true);
    const summary = JSON.parse(submit.stdout) as { run: string; inputs: number; rows: number; tasks: number };
    expect(summary.inputs).toBe(LINES);
    expect(summary.rows).toBe(LINES);
    expectSameAsReference(join(dir, 'killed.fvecs'));
    // The run's ended list (what the submitter reads between its checks) names every task:
    // the killed worker never reported its batch, the other worker did.
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      const ended = await client.lrange(endedKey(summary.run), 0, -1);
      expect(new Set(ended).size).toBe(summary.tasks);
      expect(ended).toContain(String(started.task));
      expect(await client.scard(doneKey(summary.run))).toBe(summary.tasks);
    } finally {
      client.disconnect();
    }
  });

  it('resumes after the submitter is killed: finished batches are not redone or queued twice', async () => {
    const w = workers.find((x) => x.child.exitCode === null && x.child.signalCode === null)!;
    const before = w.events.filter((e) => e.event === 'done').length;
    const first = startCli(
      ['jobs', 'embed', '--redis', redis.url, ...ENCODER, '-i', 'lines.txt', '-o', 'resumed.fvecs', '--batch', String(BATCH), '--json'],
      { cwd: dir },
    );
    await w.waitFor((e) => e.event === 'done' && w.events.filter((x) => x.event === 'done').length >= before + 2);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await runCli(
      ['jobs', 'embed', '--redis', redis.url, ...ENCODER, '-i', 'lines.txt', '-o', 'resumed.fvecs', '--batch', String(BATCH), '--json'],
      { cwd: dir },
    );
    expect(second.code, second.err).toBe(0);
    const s = JSON.parse(second.out) as { tasks: number; resumed: number; submitted: number; adopted: number };
    expect(s.resumed).toBeGreaterThanOrEqual(2);
    expect(s.resumed + s.adopted + s.submitted).toBe(s.tasks);
    expect(s.submitted).toBe(0); // every unfinished batch was still queued from the first submitter
    // Each batch embedded exactly once by this worker (no crash here, so no redo).
    const done = w.events
      .slice(0)
      .filter((e) => e.event === 'done')
      .slice(before)
      .map((e) => e.task);
    expect(done.length).toBe(s.tasks);
    expect(new Set(done).size).toBe(s.tasks);
    expectSameAsReference(join(dir, 'resumed.fvecs'));
    expect(existsSync(join(dir, '.resumed.fvecs.jobs'))).toBe(false); // work directory cleaned
  });

  it('retries a bad batch with backoff, then fails with a clear message and writes nothing', async () => {
    const w = workers.find((x) => x.child.exitCode === null && x.child.signalCode === null)!;
    const lines = syntheticLines(300, 7);
    writeFileSync(join(dir, 'bad.txt'), `${lines.join('\n')}\n`);
    await stopProcess(w.child); // no worker: the jobs wait in the queue
    const submit = startCli(
      [
        'jobs',
        'embed',
        '--redis',
        redis.url,
        ...ENCODER,
        '-i',
        'bad.txt',
        '-o',
        'bad.fvecs',
        '--batch',
        '100',
        '--attempts',
        '3',
        '--backoff-ms',
        '50',
        '--json',
      ],
      { cwd: dir },
    );
    // Once the run is queued, change one byte of line 151 (batch 1): its bytes no longer hash as planned.
    for (let i = 0; i < 300; i++) {
      const st = await runCli(['jobs', 'status', '--redis', redis.url, '--json']);
      if (st.code === 0 && (JSON.parse(st.out) as { jobs: { waiting: number } }).jobs.waiting >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const changed = [...lines];
    changed[150] = changed[150].replace(/^./, (c) => (c === 'x' ? 'y' : 'x'));
    writeFileSync(join(dir, 'bad.txt'), `${changed.join('\n')}\n`);
    const w2 = await startWorkerCli(redis.url, ['--lock-seconds', '1']);
    workers.push(w2);
    const code = await submit.exited;
    expect(code).toBe(1);
    expect(submit.stderr).toMatch(/batch 1 \(lines 101–200\).*changed since the job was submitted/);
    expect(submit.stderr).toMatch(/1 of 3 batches failed; nothing written/);
    expect(existsSync(join(dir, 'bad.fvecs'))).toBe(false);
    // batch 0 had reached the output's temporary files before batch 1 failed: they are removed
    expect(readdirSync(dir).filter((f) => f.startsWith('.bad.fvecs') && f.endsWith('.tmp'))).toEqual([]);
    const attempts = w2.events.filter((e) => e.label === 'batch 1 (lines 101–200)' && (e.event === 'retry' || e.event === 'failed'));
    expect(attempts.map((e) => e.event)).toEqual(['retry', 'retry', 'failed']);
  });

  it('reports bad input in one line with the exit codes of the CLI', async () => {
    const port = await freePort();
    const down = await runCli(['jobs', 'embed', '--redis', `redis://127.0.0.1:${port}`, ...ENCODER, '-i', 'lines.txt', '-o', 'x.fvecs'], {
      cwd: dir,
    });
    expect(down.code).toBe(1);
    expect(down.err.trim()).toMatch(new RegExp(`^embedkit: error: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/?: ECONNREFUSED$`));
    const unknown = await runCli(['jobs', 'embed', '--redis', redis.url, '-e', 'no-such-encoder', '-i', 'lines.txt', '-o', 'x.fvecs'], {
      cwd: dir,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.err.trim().split('\n')).toHaveLength(1);
    expect(unknown.err).toMatch(/unknown encoder "no-such-encoder"/);
    writeFileSync(join(dir, 'empty.txt'), '');
    const empty = await runCli(['jobs', 'embed', '--redis', redis.url, ...ENCODER, '-i', 'empty.txt', '-o', 'x.fvecs'], { cwd: dir });
    expect(empty.code).toBe(1);
    expect(empty.err.trim()).toBe('embedkit: error: empty.txt: no inputs to embed');
    const missing = await runCli(['jobs', 'embed', '--redis', redis.url, ...ENCODER, '-i', 'nope.txt', '-o', 'x.fvecs'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.txt: file not found/);
    const url = await runCli(['jobs', 'status', '--redis', 'http://localhost']);
    expect(url.code).toBe(2);
    const status = await runCli(['jobs', 'status', '--redis', redis.url, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.out) as { workers: unknown[]; runs: { state: string; output: string }[] };
    expect(s.workers.length).toBeGreaterThanOrEqual(1);
    expect(s.runs.find((r) => r.output.endsWith('resumed.fvecs'))?.state).toBe('done');
    expect(s.runs.find((r) => r.output.endsWith('bad.fvecs'))?.state).toBe('failed');
  });
});
