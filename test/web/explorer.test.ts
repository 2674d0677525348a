// End-to-end: the real `embedkit serve` on a small word-vector model with known neighbours, the
// explorer loaded in Debian's chromium (playwright-core). Screenshots of each state are kept in
// test/web/artifacts/ (ignored by git) to look at.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../io/helpers.js';
import {
  ARTIFACTS,
  colourDistance,
  cssRgb,
  drawnLabels,
  hasChromium,
  launchBrowser,
  overlappingLabels,
  paintedPixels,
  startServer,
  waitForDrawing,
  waitForLabelsSettled,
  type RunningServer,
} from './browser.js';
import { TOPICS, writeTopicModel } from './topic-model.js';

const tmp = makeTempDir();
let server: RunningServer;
let browser: Browser;
let page: Page;
/** Whether the server has the projection routes (t-SNE/UMAP run there; PCA falls back to the page). */
let serverProjects = false;
const WORDS = Object.values(TOPICS).flat().length + 8;

/** What `/v1/similar` answers for a word: the explorer shows its first 12 besides the word itself. */
async function similarWords(word: string): Promise<string[]> {
  const res = await fetch(`${server.url}/v1/similar`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'topics', word, k: 13 }),
  });
  const { results } = (await res.json()) as { results: { word: string }[] };
  return results
    .map((r) => r.word)
    .filter((w) => w !== word)
    .slice(0, 12);
}

/**
 * The plot shows exactly `words` (and `focus`, when given) highlighted and labelled: the labels' texts,
 * each label on its point's highlighted sprite (the canvas pixel under the labelled point has the
 * accent or the focus colour, not a dimmed point's or the background's), and no two labels overlap.
 */
async function expectPlotShows(words: string[], focus: string | null): Promise<void> {
  await waitForLabelsSettled(page);
  const labels = await drawnLabels(page);
  expect(
    labels
      .filter((l) => !l.focus)
      .map((l) => l.text)
      .sort(),
  ).toEqual([...words].sort());
  expect(labels.filter((l) => l.focus).map((l) => l.text)).toEqual(focus === null ? [] : [focus]);
  const [accent, focusColour] = await Promise.all([cssRgb(page, '--accent'), cssRgb(page, '--focus')]);
  const off = labels.filter((l) => Math.min(colourDistance(l.rgb, accent), colourDistance(l.rgb, focusColour)) > 60);
  expect(off.map((l) => `${l.text} rgb(${l.rgb.join(',')})`)).toEqual([]);
  expect(overlappingLabels(labels)).toEqual([]);
}

describe.skipIf(!hasChromium())('the explorer in chromium', () => {
  beforeAll(async () => {
    const model = tmp.file('topics.ekv');
    await writeTopicModel(model);
    [server, browser] = await Promise.all([startServer([`topics=${model}`, '--ann', 'flat']), launchBrowser()]);
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    serverProjects = '/v1/projections' in openapi.paths;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    // Closing chromium can hang (seen under load): wait 15 s at most; chromium ends with this worker's
    // pipe anyway. The server is stopped meanwhile (SIGTERM, SIGKILL after 5 s).
    const closed = Promise.race([page?.close().then(() => browser?.close()), new Promise((r) => setTimeout(r, 15_000))]);
    await Promise.all([closed, server?.stop()]);
    tmp.cleanup();
  }, 60_000);

  it('loads the model and draws a PCA of every point on load', async () => {
    await page.goto(server.url + '/');
    expect(await waitForDrawing(page, 2)).toBe(WORDS);
    expect(await page.textContent('#model-summary')).toContain(`${WORDS} words`);
    // Points are drawn: many pixels of the canvas differ from the background.
    expect(await paintedPixels(page)).toBeGreaterThan(WORDS * 8);
    await page.screenshot({ path: join(ARTIFACTS, '1-initial-pca.png') });
  });

  it('finds a word and lists its nearest neighbours by the original vectors', async () => {
    await page.fill('#search-input', 'tig');
    await page.waitForSelector('#search-suggestions li');
    expect(await page.locator('#search-suggestions li').first().textContent()).toBe('tiger');
    await page.press('#search-input', 'ArrowDown');
    await page.press('#search-input', 'Enter');
    await page.waitForSelector('#neighbours li');
    expect(await page.textContent('#selected-word')).toBe('tiger');
    const neighbours = await page.locator('#neighbours li .word').allTextContents();
    expect(neighbours.length).toBeGreaterThanOrEqual(10);
    // The planted topic: every one of the ten nearest is another animal.
    expect(neighbours.slice(0, 10).every((w) => TOPICS.animals.includes(w) && w !== 'tiger')).toBe(true);
    // Labelled and highlighted in the plot: exactly what the server answers, the selected word emphasised.
    expect(neighbours).toEqual(await similarWords('tiger'));
    await expectPlotShows(neighbours, 'tiger');
    await page.screenshot({ path: join(ARTIFACTS, '2-neighbours.png') });
  });

  it('answers an analogy: king − man + woman = queen', async () => {
    await page.fill('#analogy-a', 'king');
    await page.fill('#analogy-b', 'man');
    await page.fill('#analogy-c', 'woman');
    await page.click('#analogy-form button');
    await page.waitForSelector('#analogy-results li');
    const answers = await page.locator('#analogy-results li .word').allTextContents();
    expect(answers[0]).toBe('queen');
    // The plot now shows the answers, and the panel no longer claims to show tiger's neighbours.
    expect(await page.isVisible('#selection-card')).toBe(false);
    await expectPlotShows(answers, null);
  });

  it('shows an unknown word as a clear error', async () => {
    await page.fill('#search-input', 'qwertyuiop');
    await page.press('#search-input', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toContain('qwertyuiop');
  });

  it('runs a 3-D UMAP chosen before it starts, with progress, and draws it', async (ctx) => {
    if (!serverProjects) ctx.skip(); // precondition: this server build has POST /v1/projections
    await page.click('#method button[data-value="umap"]');
    await page.click('#dims button[data-value="3"]');
    expect(await page.isVisible('#p-neighbors')).toBe(true);
    expect(await page.isVisible('#p-perplexity')).toBe(false);
    await page.fill('#p-neighbors', '10');
    await page.fill('#p-iterations', '200');
    await page.click('#run');
    expect(await waitForDrawing(page, 3)).toBe(WORDS);
    expect(await page.textContent('#projection-status')).toMatch(/^UMAP 3-D of 168 points/);
    expect(await paintedPixels(page)).toBeGreaterThan(WORDS * 8);
    // The 3-D view shows the same neighbours as the server and the 2-D view, on their own points.
    await page.fill('#search-input', 'tiger');
    await page.press('#search-input', 'Enter');
    await page.waitForSelector('body[data-selected="tiger"][data-highlight="neighbours"]');
    const tigers = await similarWords('tiger');
    expect(await page.locator('#neighbours li .word').allTextContents()).toEqual(tigers);
    await expectPlotShows(tigers, 'tiger');
    await page.screenshot({ path: join(ARTIFACTS, '3-umap-3d.png') });
    // A click on a neighbour's point in 3-D selects that neighbour.
    const lion = (await drawnLabels(page)).find((l) => l.text === 'lion')!;
    const stage = (await page.locator('#stage').boundingBox())!;
    await page.mouse.click(stage.x + lion.x, stage.y + lion.y);
    await page.waitForSelector('body[data-selected="lion"]');
    await expectPlotShows(await similarWords('lion'), 'lion');
  });

  it('colours by cluster and selects with a lasso in 2-D', async (ctx) => {
    if (!serverProjects) ctx.skip(); // precondition: this server build has POST /v1/projections
    await page.click('#method button[data-value="tsne"]');
    await page.click('#dims button[data-value="2"]');
    await page.fill('#p-perplexity', '10');
    await page.fill('#p-iterations', '250');
    await page.click('#run');
    await waitForDrawing(page, 2);
    await page.selectOption('#color-by', 'cluster');
    // the colouring asks the server for k-means first: wait for the legend
    await expect.poll(() => page.locator('#legend li').count(), { timeout: 30_000 }).toBe(8);
    // Shift-drag a lasso around the middle of the plot.
    const box = (await page.locator('#stage').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const r = Math.min(box.width, box.height) * 0.42;
    await page.keyboard.down('Shift');
    await page.mouse.move(cx + r, cy);
    await page.mouse.down();
    for (let a = 0; a <= 2 * Math.PI + 0.01; a += Math.PI / 24) await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a));
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForSelector('#lasso-card:not([hidden])');
    const chips = await page.locator('#lasso-list li').count();
    expect(chips).toBeGreaterThan(10);
    await page.screenshot({ path: join(ARTIFACTS, '4-tsne-lasso.png') });
  });
});
