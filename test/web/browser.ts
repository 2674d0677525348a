// Helpers of the explorer's end-to-end tests: the real `embedkit serve` on a free port, Debian's
// chromium driven by playwright-core, and a count of the plot canvas's painted pixels.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../helpers/paths.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test/web/artifacts');
const CLI = join(ROOT, 'dist/cli/main.js');

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `embedkit serve ARGS… --port 0` and resolves with its URL once it listens. */
export function startServer(args: string[], timeoutMs = 30_000): Promise<RunningServer> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedkit serve did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedkit serve exited with ${code}:\n${stderr}`));
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /listening on (http:\/\/[^\s/]+)/.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: m[1],
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            // already gone (an exit code, or killed by a signal: then exitCode stays null)
            if (child.exitCode !== null || child.signalCode !== null) return done();
            // A graceful stop first; a server still draining connections after 5 s is killed, and
            // the wait ends after 10 s whatever happened.
            const force = setTimeout(() => child.kill('SIGKILL'), 5000);
            const giveUp = setTimeout(done, 10_000);
            child.once('exit', () => {
              clearTimeout(force);
              clearTimeout(giveUp);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// In the page: a 2-D context holding a copy of the plot canvas (its pixels can be read).
const PLOT_PIXELS = `const canvas = document.getElementById('plot');
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0);`;

// Runs in the page (a string, since this file is type-checked without the DOM library): counts the
// plot canvas's pixels that differ from the plot's background.
const PAINTED = `(() => {
  ${PLOT_PIXELS}
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  const probe = document.createElement('div');
  probe.style.color = getComputedStyle(document.documentElement).getPropertyValue('--plot');
  document.body.append(probe);
  const bg = getComputedStyle(probe).color.match(/\\d+/g).map(Number);
  probe.remove();
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    const d = Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]);
    if (data[i + 3] > 0 && d > 40) painted++;
  }
  return painted;
})()`;

export async function paintedPixels(page: Page): Promise<number> {
  return (await page.evaluate(PAINTED)) as number;
}

/** Waits until the page reports a finished drawing of `points` points in `dims` dimensions. */
export async function waitForDrawing(page: Page, dims: 2 | 3, timeout = 30_000): Promise<number> {
  await page.waitForSelector(`body[data-status="drawn"][data-dims="${dims}"]`, { timeout });
  return Number(await page.getAttribute('body', 'data-points'));
}

/** A label drawn over the plot: its text, the point it labels (data-x/y) and its box, in plot pixels. */
export interface DrawnLabel {
  text: string;
  focus: boolean;
  x: number;
  y: number;
  box: { left: number; top: number; right: number; bottom: number };
  /** The plot canvas's colour under the labelled point. */
  rgb: [number, number, number];
}

// Runs in the page: the labels of #labels with the canvas pixel under each labelled point.
const LABELS = `(() => {
  ${PLOT_PIXELS}
  const ratio = canvas.width / canvas.clientWidth;
  const stage = document.getElementById('labels').getBoundingClientRect();
  return [...document.querySelectorAll('#labels .label')].map((node) => {
    const x = Number(node.dataset.x);
    const y = Number(node.dataset.y);
    const r = node.getBoundingClientRect();
    const px = ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
    return {
      text: node.textContent,
      focus: node.classList.contains('focus'),
      x, y,
      box: { left: r.left - stage.left, top: r.top - stage.top, right: r.right - stage.left, bottom: r.bottom - stage.top },
      rgb: [px[0], px[1], px[2]],
    };
  });
})()`;

export async function drawnLabels(page: Page): Promise<DrawnLabel[]> {
  return (await page.evaluate(LABELS)) as DrawnLabel[];
}

/** A CSS colour variable of the page (e.g. --accent) as RGB. */
export async function cssRgb(page: Page, name: string): Promise<[number, number, number]> {
  const css = `(() => {
    const probe = document.createElement('div');
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(${JSON.stringify(name)});
    document.body.append(probe);
    const rgb = getComputedStyle(probe).color.match(/\\d+/g).slice(0, 3).map(Number);
    probe.remove();
    return rgb;
  })()`;
  return (await page.evaluate(css)) as [number, number, number];
}

/** Sum of absolute channel differences. */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

/** Pairs of label boxes that overlap by more than `slack` pixels each way. */
export function overlappingLabels(labels: readonly DrawnLabel[], slack = 1): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i].box;
      const b = labels[j].box;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > slack && h > slack) pairs.push([labels[i].text, labels[j].text]);
    }
  }
  return pairs;
}

/** Waits until the plot's labels stop moving (a camera flight has ended): two reads 120 ms apart agree. */
export async function waitForLabelsSettled(page: Page, timeout = 10_000): Promise<void> {
  const settled = `(() => {
    const nodes = [...document.querySelectorAll('#labels .label')];
    const now = nodes.map((n) => n.textContent + '@' + n.dataset.x + ',' + n.dataset.y + ':' + n.style.left + ',' + n.style.top).join('|');
    const same = nodes.length > 0 && nodes.every((n) => n.dataset.x !== undefined) && now === window.__labelsBefore;
    window.__labelsBefore = now;
    return same;
  })()`;
  await page.waitForFunction(settled, undefined, { polling: 120, timeout });
}
