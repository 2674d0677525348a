// `serve --tokens FILE` re-reads the file on SIGHUP, in a real server process: a rotated token is
// accepted and the revoked one refused without a restart; a bad file keeps the tokens in use and
// logs one line; `--token` survives reloads.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli, stopProcess, type CliProcess } from '../jobs/cluster.js';
import { writeTinyVectors } from './fixtures.js';

let dir: string;
let tokensFile: string;
let server: CliProcess;
let url: string;

/** Writes the tokens file as an editor that saves atomically would (temp file, then rename). */
function writeTokens(text: string): void {
  const temp = `${tokensFile}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, tokensFile);
}

const line = (name: string, token: string) => `${JSON.stringify({ name, token, scopes: ['read'] })}\n`;

async function status(token: string): Promise<number> {
  const r = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
  await r.arrayBuffer();
  return r.status;
}

/** Sends SIGHUP and waits for the n-th reload line on stderr. */
async function hangup(n: number): Promise<string> {
  server.child.kill('SIGHUP');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = server.stderr.split('\n').filter((l) => l.includes('SIGHUP:'));
    if (lines.length >= n) return lines[n - 1];
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`no reload line: ${server.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'embedkit-token-reload-'));
  const model = writeTinyVectors(dir);
  tokensFile = path.join(dir, 'tokens.jsonl');
  writeTokens(line('alice', 'alice-secret-1'));
  server = startCli(['serve', model, '--port', '0', '--log-level', 'silent', '--tokens', tokensFile, '--token', 'ops-secret']);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening on (http:\/\/[^/ ]+)\/.*tokens required \((\d+)\)/.exec(server.stderr);
    if (m) {
      url = m[1];
      expect(m[2]).toBe('2');
      break;
    }
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start: ${server.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}, 40_000);

afterAll(async () => {
  if (server) await stopProcess(server.child, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('SIGHUP swaps the tokens in place; a bad file keeps the old ones', { timeout: 20_000 }, async () => {
  expect([await status('alice-secret-1'), await status('bob-secret-1'), await status('ops-secret')]).toEqual([200, 401, 200]);

  writeTokens(line('bob', 'bob-secret-1'));
  expect(await hangup(1)).toMatch(/reloaded 2 tokens from .*tokens\.jsonl/);
  expect([await status('alice-secret-1'), await status('bob-secret-1'), await status('ops-secret')]).toEqual([401, 200, 200]);

  // a broken file (here: a half-written line) changes nothing and says why, naming file and line
  writeTokens(`${line('carol', 'carol-secret-1')}{"name": "dave", "tok`);
  expect(await hangup(2)).toMatch(/tokens not reloaded, keeping the 2 in use: .*tokens\.jsonl.*line 2/);
  expect([await status('bob-secret-1'), await status('carol-secret-1'), await status('ops-secret')]).toEqual([200, 401, 200]);
  // one line per refused reload, and the server is still up
  expect(server.stderr.split('\n').filter((l) => l.includes('not reloaded'))).toHaveLength(1);
  expect(server.child.exitCode).toBeNull();
});
