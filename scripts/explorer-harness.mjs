// What the explorer's bench (bench/explorer-draw.mjs) and screenshot script
// (scripts/explorer-screenshots.mjs) share: the real `embedkit serve` over one vectors file on a free
// port, and Debian's headless chromium. (test/web/browser.ts is the tests' TypeScript twin.)
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Starts `embedkit serve glove=MODEL` (flat index); resolves with `{ url, stop }` once it listens. */
export async function startExplorerServer(model) {
  const server = spawn(
    process.execPath,
    [join(root, 'dist/cli/main.js'), 'serve', `glove=${model}`, '--port', '0', '--ann', 'flat', '--log-level', 'silent'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (c) => {
      err += c;
      const m = /listening on (http:\/\/[^\s/]+)/.exec(err);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`embedkit serve exited with ${code}: ${err}`)));
  });
  // A graceful stop, SIGKILL when the server still runs after 5 s (it must not outlive the script).
  const stop = () =>
    new Promise((done) => {
      if (server.exitCode !== null || server.signalCode !== null) return done();
      const force = setTimeout(() => server.kill('SIGKILL'), 5000);
      server.once('exit', () => {
        clearTimeout(force);
        done();
      });
      server.kill('SIGTERM');
    });
  return { url, stop };
}

/** Debian's chromium, headless, with nothing that would reach the network. */
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
