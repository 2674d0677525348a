// Test helpers for the jobs tests: a real redis-server on a free port with its own temp directory,
// and CLI processes (workers, submitters) run from the built dist, with their output collected.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';

export const DIST = process.env.EMBEDKIT_TEST_DIST ?? join(ROOT, 'dist');
export const CLI = join(DIST, 'cli/main.js');

/** Whether Debian's redis-server is installed (scripts/system-packages.mjs installs it for `npm test`). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** A port nobody listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}

/** A redis-server process. */
export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts redis-server on a free port (no persistence), bound to `bind` (default 127.0.0.1). */
export async function startRedis(bind: readonly string[] = ['127.0.0.1']): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', ...bind, '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 200 && !(await canConnect(bind[0], port)); i++) await new Promise((r) => setTimeout(r, 25));
  return {
    url: `redis://${bind[0]}:${port}`,
    port,
    dir,
    process: child,
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends SIGTERM (or `signal`) and waits for the exit. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** A CLI process with its output collected. */
export interface CliProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** JSON lines printed on stdout (worker events). */
  events: Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the first event matching `pred` (rejects after `timeoutMs`). */
  waitFor(pred: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Runs `embedkit …args` (optionally through a wrapper such as `ip netns exec NS`). */
export function startCli(
  args: readonly string[],
  options: { cwd?: string; wrapper?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): CliProcess {
  const command = [...(options.wrapper ?? []), process.execPath, CLI, ...args];
  const child = spawn(command[0], command.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const waiters: { pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  const p: CliProcess = {
    child,
    stdout: '',
    stderr: '',
    events: [],
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    waitFor(pred, timeoutMs = 30_000) {
      const found = p.events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching event within ${timeoutMs} ms; stdout: ${p.stdout.slice(-2000)} stderr: ${p.stderr.slice(-2000)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    p.stdout += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const e = JSON.parse(line) as Record<string, unknown>;
      p.events.push(e);
      for (let i = waiters.length - 1; i >= 0; i--)
        if (waiters[i].pred(e)) {
          waiters[i].resolve(e);
          waiters.splice(i, 1);
        }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (p.stderr += text));
  return p;
}

/** Runs `embedkit …args` to the end. */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const p = startCli(args, options);
  const code = await p.exited;
  return { code, out: p.stdout, err: p.stderr };
}

/** Starts a worker (`--json` events) and waits until it is connected. */
export async function startWorkerCli(
  redis: string,
  extra: readonly string[] = [],
  options: { wrapper?: readonly string[]; cwd?: string } = {},
): Promise<CliProcess> {
  const w = startCli(['jobs', 'worker', '--redis', redis, '--json', ...extra], options);
  await w.waitFor((e) => e.event === 'ready');
  return w;
}

/** Deterministic text lines (a seeded LCG over a small vocabulary). */
export function syntheticLines(n: number, seed = 1): string[] {
  const words =
    'the a cat dog sat on mat sun sky blue red green house car road city river tree bird run walk eat food water fish book read music play game ball happy sad big small fast slow hot cold rain snow night morning'.split(
      ' ',
    );
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  return Array.from({ length: n }, () => Array.from({ length: 4 + (next() % 12) }, () => words[next() % words.length]).join(' '));
}
