// `embedkit serve` as a real process: listens on a free port, answers over HTTP, refuses bad
// arguments with exit 2, and exits 0 after SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { writeTinyVectors } from '../serve/fixtures.js';

const CLI = join(ROOT, 'dist/cli/main.js');
let dir: string;
let model: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ek-serve-cli-'));
  model = writeTinyVectors(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedkit serve', () => {
  it('serves on a free port, answers fetch, exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', `words=${model}`, '--port', '0', '--log-level', 'warn', '--token', 'tkn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line: ${stderr}`)), 30_000);
      child.stderr.on('data', (s: string) => {
        stderr += s;
        const m = /listening on (http:\/\/[^/\s]+)\//.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(stderr).toMatch(/words: vectors/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const auth = { authorization: 'Bearer tkn', 'content-type': 'application/json' };
    const similar = await fetch(`${url}/v1/similar`, { method: 'POST', headers: auth, body: JSON.stringify({ word: 'king', k: 3 }) });
    expect(similar.status).toBe(200);
    expect(((await similar.json()) as { results: unknown[] }).results).toHaveLength(3);
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/SIGTERM: finishing the requests in flight/);
    expect(stderr).toMatch(/stopped/);
  });

  it('bad usage (exit 2) and missing models (exit 1): one clear line', () => {
    const none = spawnSync(process.execPath, [CLI, 'serve', join(dir, 'missing.ekv'), '--port', '0'], { encoding: 'utf8' });
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/missing\.ekv: no such file or folder/);
    const port = spawnSync(process.execPath, [CLI, 'serve', model, '--port', '70000'], { encoding: 'utf8' });
    expect(port.status).toBe(2);
    const twice = spawnSync(process.execPath, [CLI, 'serve', model, model, '--port', '0'], { encoding: 'utf8' });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/two models are named "tiny"/);
  });
});
