// Two worker "hosts" in their own network namespaces (a veth pair each, redis-server on the root
// side of both links): each worker reaches Redis only over its own link and from its own address,
// and together they embed a file exactly as one machine does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHosts, netnsSupport, type NetnsHost } from '../../bench/jobs-netns.mjs';
import { readVecsSync } from '../../src/io/index.js';
import { ROOT } from '../helpers/paths.js';
import {
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

const support = netnsSupport();
if (!support.ok) console.warn(`test/jobs/netns.test.ts skipped: ${support.reason}`);

const ENCODER = ['-e', 'transformer', '-m', join(ROOT, 'test/fixtures/models/tiny-bert'), '-O', 'threads=1'];

describe.skipIf(!support.ok)('jobs on two network-namespace hosts', () => {
  let dir: string;
  let redis: RedisServer;
  let hosts: NetnsHost[] = [];
  let removeHosts = () => undefined as void;
  const workers: CliProcess[] = [];

  beforeAll(async () => {
    expect(hasRedisServer(), 'redis-server is not installed (scripts/system-packages.mjs lists it)').toBe(true);
    const made = createHosts(2);
    hosts = made.hosts;
    removeHosts = made.remove;
    dir = mkdtempSync(join(tmpdir(), 'embedkit-jobs-netns-'));
    writeFileSync(join(dir, 'lines.txt'), `${syntheticLines(320, 3).join('\n')}\n`);
    redis = await startRedis(['127.0.0.1', ...hosts.map((h) => h.hostAddr)]);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child, 'SIGKILL')));
    await redis?.stop();
    removeHosts();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('spreads the batches over both hosts, each on its own link; output equals one machine', async () => {
    // Inside a namespace the root's loopback Redis is unreachable: only the link's address works.
    for (const [k, h] of hosts.entries()) {
      const w = await startWorkerCli(`redis://${h.hostAddr}:${redis.port}`, ['--name', `host-${k + 1}`, '--lock-seconds', '2'], {
        wrapper: h.wrapper,
        cwd: dir,
      });
      workers.push(w);
    }
    const unreachable = await runCli(['jobs', 'status', '--redis', `redis://127.0.0.1:${redis.port}`], {});
    expect(unreachable.code).toBe(0); // from the root namespace loopback works…
    const inside = startCli(['jobs', 'status', '--redis', `redis://127.0.0.1:${redis.port}`], { wrapper: hosts[0].wrapper });
    expect(await inside.exited).toBe(1); // …from a host namespace it does not
    expect(inside.stderr).toMatch(/cannot reach Redis/);

    const status = JSON.parse((await runCli(['jobs', 'status', '--redis', redis.url, '--json'])).out) as {
      workers: { name: string; addr: string }[];
    };
    for (const [k, h] of hosts.entries()) {
      const w = status.workers.find((x) => x.name.endsWith(`host-${k + 1}`));
      expect(w?.addr.split(':')[0], `worker of host ${k + 1} connects from its own address`).toBe(h.nsAddr);
    }

    const ref = await runCli(['embed', 'text', ...ENCODER, '-i', 'lines.txt', '-o', 'ref.fvecs', '-q'], { cwd: dir });
    expect(ref.code, ref.err).toBe(0);
    const r = await runCli(
      ['jobs', 'embed', '--redis', redis.url, ...ENCODER, '-i', 'lines.txt', '-o', 'out.fvecs', '--batch', '16', '--json'],
      { cwd: dir },
    );
    expect(r.code, r.err).toBe(0);
    for (const w of workers) expect(w.events.filter((e) => e.event === 'done').length, 'each host did batches').toBeGreaterThan(0);
    const a = readVecsSync(join(dir, 'out.fvecs'), 'fvecs');
    const b = readVecsSync(join(dir, 'ref.fvecs'), 'fvecs');
    expect(a.rows).toBe(320);
    let maxDiff = 0;
    for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(readFileSync(join(dir, 'out.fvecs.ids'), 'utf8')).toBe(readFileSync(join(dir, 'ref.fvecs.ids'), 'utf8'));
  });
});
