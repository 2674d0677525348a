// The explorer: wires the side panel (model, search, projection parameters, neighbours, colour,
// analogy, query) to the scatter view and the HTTP API. Nothing is projected before the user
// presses Run, except a PCA of the default model on load (fast, and it gives the page a picture).
import { ApiClient, ApiError, tokenFromHash } from './api.js';
import type { ModelInfo, Neighbour, PointItem, ProjectionMethod, ProjectionRequest } from './api-types.js';
import { browserPca } from './browser-pca.js';
import { categoricalColoring, colorableKeys, hex, layoutClusters, metadataColoring, uniformColoring, type Coloring } from './colors.js';
import { byId, el, numberInput, segmented } from './dom.js';
import { LabelLayer, type PlotLabel } from './labels.js';
import { normalizeCoords, ProjectionCancelled, ProjectionRunner, type ProjectionResult } from './projection-runner.js';
import { Scatter2d } from './scatter-2d.js';
import { Scatter3d } from './scatter-3d.js';
import type { Rgb, ScatterEvents, ScatterView } from './scatter-view.js';
import { SearchBox } from './search-box.js';

const NEIGHBOURS = 12;

/**
 * What the plot's highlight shows. One at a time: each source has its panel (the neighbours card,
 * the lasso card, the analogy or query results), and showing one clears the others, so the panel
 * always lists what the plot highlights.
 */
type HighlightSource = 'neighbours' | 'lasso' | 'analogy' | 'query';

function cssColor(name: string): Rgb {
  const probe = document.createElement('div');
  probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  document.body.append(probe);
  const m = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0'];
  probe.remove();
  return [Number(m[0]), Number(m[1]), Number(m[2])];
}

class Explorer {
  private readonly api = new ApiClient('', tokenFromHash(location.hash));
  private readonly runner = new ProjectionRunner(this.api);
  private readonly labels = new LabelLayer(byId('labels'));
  private readonly stage = byId('stage');
  private models: ModelInfo[] = [];
  private model: ModelInfo | null = null;
  private points: PointItem[] = [];
  private indexById = new Map<string, number>();
  private indexByLabel = new Map<string, number>();
  private view: ScatterView | null = null;
  private coords: Float32Array | null = null;
  private dims: 2 | 3 = 2;
  private coloring: Coloring = uniformColoring(0);
  private focus: number | null = null;
  private related: number[] = [];
  private hoverToken = 0;
  private readonly method = segmented('method', () => this.showParams());
  private readonly dimsControl = segmented('dims', () => undefined);
  private readonly search: SearchBox;

  constructor() {
    this.search = new SearchBox(byId<HTMLInputElement>('search-input'), byId('search-suggestions'), (text) => this.findWord(text));
    this.showParams();
    byId('run').addEventListener('click', () => void this.runProjection());
    byId('cancel').addEventListener('click', () => void this.cancelProjection());
    byId('clear-selection').addEventListener('click', () => this.clearSelection());
    byId('clear-lasso').addEventListener('click', () => this.clearSelection());
    byId('reset-view').addEventListener('click', () => this.view?.resetView());
    byId('theme-toggle').addEventListener('click', () => this.toggleTheme());
    byId<HTMLSelectElement>('model-select').addEventListener('change', (e) => void this.loadModel((e.target as HTMLSelectElement).value));
    byId<HTMLSelectElement>('color-by').addEventListener('change', () => void this.applyColoring());
    byId<HTMLFormElement>('analogy-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.analogy();
    });
    byId<HTMLFormElement>('query-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.query({ text: byId<HTMLInputElement>('query-text').value.trim() });
    });
    byId<HTMLInputElement>('query-image').addEventListener(
      'change',
      (e) => void this.queryImage((e.target as HTMLInputElement).files?.[0]),
    );
    new ResizeObserver(() => this.view?.resize(this.stage.clientWidth, this.stage.clientHeight)).observe(this.stage);
    const theme = localStorage.getItem('embedkit-theme');
    if (theme) document.documentElement.dataset.theme = theme;
  }

  async start(): Promise<void> {
    try {
      this.models = await this.api.models();
    } catch (e) {
      this.fail(e);
      byId('model-summary').textContent = 'server not reachable';
      return;
    }
    if (this.models.length === 0) {
      byId('model-summary').textContent = 'the server has no model loaded';
      return;
    }
    const select = byId<HTMLSelectElement>('model-select');
    select.replaceChildren(...this.models.map((m) => el('option', { textContent: `${m.name} (${m.kind})` })));
    this.models.forEach((m, i) => (select.options[i].value = m.name));
    await this.loadModel(this.models[0].name);
    await this.runProjection();
  }

  /** True from Run until the projection is drawn, failed or cancelled (also before the job has an id). */
  private isRunning = false;

  // ---- model and points ------------------------------------------------------------------

  private async loadModel(name: string): Promise<void> {
    const model = this.models.find((m) => m.name === name);
    if (!model) return;
    this.model = model;
    this.clearSelection();
    this.setDrawn(null, 2);
    byId('model-summary').textContent =
      `${model.count.toLocaleString('en')} ${model.kind === 'index' ? 'items' : 'words'} · ${model.dims} dims`;
    byId<HTMLInputElement>('p-limit').value = String(Math.min(model.count, 100_000));
    byId<HTMLInputElement>('p-limit').max = String(model.count);
    byId<HTMLInputElement>('search-input').placeholder = model.kind === 'index' ? 'Find an item…' : 'Find a word…';
    const queryable = this.models.some((m) => m.kind === 'index' && m.encoder);
    byId('query-card').hidden = !queryable;
    byId('query-image-label').hidden = !this.models.some((m) => m.kind === 'index' && m.hasThumbnails && m.encoder);
    await this.ensurePoints(Math.min(model.count, 100_000));
  }

  /** Loads the labels of the first `limit` points (the rows a projection of that limit draws). */
  private async ensurePoints(limit: number): Promise<void> {
    if (!this.model) return;
    if (this.points.length >= limit && this.points.length > 0 && this.pointsModel === this.model.name) return;
    const model = this.model;
    this.status(`loading ${limit.toLocaleString('en')} labels…`);
    const points = await this.api.allPoints(model.name, limit);
    if (this.model !== model) return;
    this.points = points;
    this.pointsModel = model.name;
    this.indexById = new Map(points.map((p, i) => [String(p.id), i]));
    this.indexByLabel = new Map();
    points.forEach((p, i) => {
      if (!this.indexByLabel.has(p.label)) this.indexByLabel.set(p.label, i);
    });
    this.search.setLabels(points.map((p) => p.label));
    const select = byId<HTMLSelectElement>('color-by');
    const keys = colorableKeys(points);
    select.replaceChildren(
      el('option', { textContent: 'none' }),
      ...keys.map((k) => el('option', { textContent: k })),
      el('option', { textContent: 'cluster (k-means, 8)' }),
    );
    select.options[0].value = '';
    keys.forEach((k, i) => (select.options[i + 1].value = `meta:${k}`));
    select.options[keys.length + 1].value = 'cluster';
    if (keys.length > 0) select.value = `meta:${keys[0]}`;
    this.status('');
  }
  private pointsModel = '';

  // ---- projection ------------------------------------------------------------------------

  private showParams(): void {
    const method = this.method.value();
    for (const field of document.querySelectorAll<HTMLElement>('#projection-card [data-for]')) {
      field.hidden = !field.dataset.for!.split(' ').includes(method);
    }
  }

  private async runProjection(): Promise<void> {
    if (!this.model || this.isRunning) return;
    const model = this.model;
    const method = this.method.value() as ProjectionMethod;
    const dims = this.dimsControl.value() === '3' ? 3 : 2;
    const limit = Math.max(10, Math.min(model.count, Math.round(numberInput('p-limit', Math.min(model.count, 100_000)))));
    const params: Record<string, number> = { seed: Math.round(numberInput('p-seed', 42)) };
    if (method === 'tsne') params.perplexity = numberInput('p-perplexity', 30);
    if (method === 'umap') {
      params.neighbors = Math.round(numberInput('p-neighbors', 15));
      params.minDist = numberInput('p-mindist', 0.1);
    }
    if (method !== 'pca') params.iterations = Math.round(numberInput('p-iterations', 500));
    this.setRunning(true);
    try {
      await this.ensurePoints(limit);
      const result = await this.project(model, { model: model.name, method, dims, limit, params });
      if (this.model !== model) return;
      const drawStart = performance.now();
      await this.draw(normalizeCoords(result.coords, result.dims), result.dims);
      const drawMs = performance.now() - drawStart;
      document.body.dataset.drawMs = drawMs.toFixed(0);
      const name = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' }[method];
      this.status(
        `${name} ${result.dims}-D of ${result.count.toLocaleString('en')} points in ${result.seconds.toFixed(1)} s (drawn in ${Math.round(drawMs)} ms)`,
      );
    } catch (e) {
      if (e instanceof ProjectionCancelled) this.status('cancelled');
      else this.fail(e);
    } finally {
      this.setRunning(false);
    }
  }

  /**
   * Runs the projection on the server; a server without the projection routes still gets a PCA,
   * computed in the page from the model's vectors (word-vector models only).
   */
  private async project(model: ModelInfo, request: ProjectionRequest): Promise<ProjectionResult> {
    try {
      return await this.runner.run(request, (s) => this.progress(s.progress, s.phase ?? s.status));
    } catch (e) {
      const noRoute = e instanceof ApiError && e.status === 404 && e.message.includes('no route');
      if (!noRoute) throw e;
      if (request.method !== 'pca' || model.kind !== 'vectors') {
        throw new Error(
          'This server has no projection routes (/v1/projections): only PCA of word vectors, computed in the page, is available.',
          { cause: e },
        );
      }
      const started = performance.now();
      const words = this.points.slice(0, request.limit).map((p) => p.label);
      const coords = await browserPca(this.api, model.name, words, request.dims, request.params?.seed ?? 42, (f, phase) =>
        this.progress(f, phase),
      );
      return { coords, count: words.length, dims: request.dims, seconds: (performance.now() - started) / 1000 };
    }
  }

  private async cancelProjection(): Promise<void> {
    try {
      await this.runner.cancel();
    } catch (e) {
      this.fail(e);
    }
  }

  private setRunning(running: boolean): void {
    this.isRunning = running;
    byId<HTMLButtonElement>('run').disabled = running;
    byId('run').textContent = running ? 'Running…' : 'Run';
    byId('cancel').hidden = !running;
    byId('progress').hidden = !running;
    document.body.dataset.status = running ? 'running' : this.coords ? 'drawn' : 'idle';
    if (running) this.progress(0, 'starting');
  }

  private progress(fraction: number, phase: string): void {
    const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    byId('progress-fill').style.width = `${pct}%`;
    byId('progress-text').textContent = `${phase} · ${pct}%`;
  }

  private status(text: string): void {
    byId('projection-status').textContent = text;
  }

  // ---- the plot --------------------------------------------------------------------------

  private makeView(dims: 2 | 3): ScatterView {
    this.view?.destroy();
    // A fresh canvas: a WebGL context cannot be handed from one renderer to the other.
    const old = byId<HTMLCanvasElement>('plot');
    const canvas = el('canvas');
    canvas.id = 'plot';
    old.replaceWith(canvas);
    for (const o of this.stage.querySelectorAll('.lasso-overlay')) o.remove();
    const events: ScatterEvents = {
      hover: (i, x, y) => this.hover(i, x, y),
      click: (i) => (i === null ? this.clearSelection() : void this.selectIndex(i, false)),
      lasso: (indices) => this.lassoSelect(indices),
      view: () => this.labels.place(this.view),
    };
    const background = cssColor('--plot');
    const view =
      dims === 3
        ? new Scatter3d(canvas, events, background, cssColor('--accent'))
        : new Scatter2d(canvas, events, background, cssColor('--accent'));
    view.resize(this.stage.clientWidth, this.stage.clientHeight);
    byId('help').textContent =
      dims === 3
        ? 'drag: rotate · right-drag: pan · wheel: zoom · click: neighbours · shift-drag: lasso'
        : 'drag: pan · wheel: zoom · click: neighbours · shift-drag: lasso · double-click: clear';
    return view;
  }

  private async draw(coords: Float32Array, dims: 2 | 3): Promise<void> {
    if (!this.view || this.view.dims !== dims) this.view = this.makeView(dims);
    this.coords = coords;
    this.dims = dims;
    this.coloring = await this.computeColoring();
    await this.view.setData({ coords, dims, colorIndex: this.coloring.colorIndex, palette: this.coloring.palette });
    this.setDrawn(coords.length / dims, dims);
    this.renderLegend();
    this.view.highlight(this.focus, this.related);
    this.updateLabels();
  }

  private setDrawn(count: number | null, dims: number): void {
    byId('empty').hidden = count !== null;
    document.body.dataset.points = String(count ?? 0);
    document.body.dataset.dims = String(dims);
    if (count === null) {
      this.coords = null;
      this.view?.destroy();
      this.view = null;
      byId('labels').replaceChildren();
    }
  }

  private toggleTheme(): void {
    const root = document.documentElement;
    const next = root.dataset.theme === 'light' ? 'dark' : 'light';
    root.dataset.theme = next;
    localStorage.setItem('embedkit-theme', next);
    if (this.coords) {
      this.view = this.makeView(this.dims);
      void this.draw(this.coords, this.dims);
    }
  }

  // ---- colour ----------------------------------------------------------------------------

  private async computeColoring(): Promise<Coloring> {
    const n = this.coords ? this.coords.length / this.dims : 0;
    const choice = byId<HTMLSelectElement>('color-by').value;
    if (choice === 'cluster' && this.coords && this.model) return this.clusterColoring(this.model.name, n);
    if (choice.startsWith('meta:')) return metadataColoring(this.points.slice(0, n), choice.slice(5));
    return uniformColoring(n);
  }

  /** k-means (k = 8) of the original vectors on the server; of the layout when the server has no /v1/cluster. */
  private async clusterColoring(model: string, n: number): Promise<Coloring> {
    const key = `${model}:${n}`;
    if (this.clusterCache?.key !== key) {
      try {
        const { labels } = await this.api.cluster(model, 8, n, 0);
        this.clusterCache = { key, coloring: categoricalColoring(labels.map((c) => `cluster ${c + 1}`)) };
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        return layoutClusters(this.coords!, this.dims, 8);
      }
    }
    return this.clusterCache.coloring;
  }
  private clusterCache: { key: string; coloring: Coloring } | null = null;

  private async applyColoring(): Promise<void> {
    if (!this.view || !this.coords) return;
    try {
      this.coloring = await this.computeColoring();
    } catch (e) {
      this.fail(e);
      return;
    }
    if (!this.view) return;
    this.view.setColors(this.coloring.colorIndex, this.coloring.palette);
    this.view.highlight(this.focus, this.related);
    this.renderLegend();
  }

  private renderLegend(): void {
    byId('legend').replaceChildren(
      ...this.coloring.legend.map((entry) =>
        el('li', { title: entry.label }, [
          el('span', { className: 'swatch', style: `background:${hex(entry.color)}` }),
          el('span', { textContent: entry.label }),
          el('span', { className: 'count', textContent: entry.count.toLocaleString('en') }),
        ]),
      ),
    );
  }

  // ---- hover, selection, neighbours ------------------------------------------------------

  private hover(index: number | null, x: number, y: number): void {
    const tip = byId('tooltip');
    const token = ++this.hoverToken;
    if (index === null || !this.points[index]) {
      tip.hidden = true;
      return;
    }
    const point = this.points[index];
    const meta = Object.entries(point.metadata ?? {})
      .filter(([, v]) => typeof v !== 'object')
      .slice(0, 3)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(' · ');
    tip.replaceChildren(el('div', { textContent: point.label }), ...(meta ? [el('div', { className: 'meta', textContent: meta })] : []));
    const left = Math.min(x + 14, this.stage.clientWidth - 270);
    tip.style.left = `${Math.max(4, left)}px`;
    tip.style.top = `${Math.max(4, y - 10)}px`;
    tip.hidden = false;
    if (this.model?.hasThumbnails) {
      const model = this.model.name;
      this.api
        .thumbnail(model, point.id)
        .then((url) => {
          if (token !== this.hoverToken) return URL.revokeObjectURL(url);
          const img = el('img');
          img.alt = point.label;
          img.onload = () => URL.revokeObjectURL(url);
          img.src = url;
          tip.prepend(img);
        })
        .catch(() => undefined); // no thumbnail for this item: the label alone is fine
    }
  }

  private findWord(text: string): void {
    const query = text.trim();
    if (!query) return;
    const index = this.indexByLabel.get(query) ?? this.indexByLabel.get(query.toLowerCase());
    if (index !== undefined) void this.selectIndex(index, true);
    else void this.selectWord(query);
  }

  private async selectIndex(index: number, fly: boolean): Promise<void> {
    const point = this.points[index];
    if (!point || !this.model) return;
    const query = this.model.kind === 'vectors' ? { word: point.label } : { id: point.id };
    await this.showNeighbours(point.label, index, query, fly);
  }

  /** A word outside the drawn points: its neighbours still come from the server. */
  private async selectWord(word: string): Promise<void> {
    await this.showNeighbours(word, null, { word }, true);
  }

  private async showNeighbours(
    label: string,
    index: number | null,
    query: { word?: string; id?: number | string },
    fly: boolean,
  ): Promise<void> {
    if (!this.model) return;
    this.hideError();
    let results: Neighbour[];
    try {
      results = await this.api.similar(this.model.name, query, NEIGHBOURS + 1);
    } catch (e) {
      this.fail(e);
      return;
    }
    results = results.filter((r) => (index === null ? r.word !== label : this.indexOf(r) !== index)).slice(0, NEIGHBOURS);
    const related = results.map((r) => this.indexOf(r)).filter((i): i is number => i !== null);
    byId('selected-word').textContent = label;
    byId('neighbours').replaceChildren(
      ...this.resultItems(results.map((r) => ({ label: r.word, score: r.score, index: this.indexOf(r) }))),
    );
    this.setHighlight('neighbours', index, related);
    if (fly && this.view) this.view.flyTo(index === null ? this.related : [index, ...this.related]);
    document.body.dataset.selected = label;
  }

  /**
   * Shows `related` (and `focus`) highlighted and labelled in the plot, and the panel of `source`
   * only: the other sources' panels are hidden or emptied. (Before, an analogy replaced the plot's
   * highlight under a neighbours card still naming the previous word.)
   */
  private setHighlight(source: HighlightSource | null, focus: number | null, related: number[]): void {
    this.focus = focus;
    this.related = related;
    byId('selection-card').hidden = source !== 'neighbours';
    byId('lasso-card').hidden = source !== 'lasso';
    if (source !== 'neighbours') delete document.body.dataset.selected;
    if (source !== 'analogy') byId('analogy-results').replaceChildren();
    if (source !== 'query') byId('query-results').replaceChildren();
    if (source) document.body.dataset.highlight = source;
    else delete document.body.dataset.highlight;
    this.view?.highlight(focus, related);
    this.updateLabels();
  }

  private indexOf(r: { id?: number | string; word?: string }): number | null {
    if (r.id !== undefined) {
      const i = this.indexById.get(String(r.id));
      if (i !== undefined) return i;
    }
    if (r.word !== undefined) return this.indexByLabel.get(r.word) ?? null;
    return null;
  }

  private resultItems(rows: { label: string; score: number; index: number | null }[]): HTMLLIElement[] {
    const top = Math.max(1e-9, ...rows.map((r) => Math.abs(r.score)));
    return rows.map((r) => {
      const li = el(
        'li',
        { className: r.index === null ? 'off-plot' : '', title: r.index === null ? `${r.label} (not among the drawn points)` : r.label },
        [
          el('span', { className: 'word', textContent: r.label }),
          el('span', { className: 'score', textContent: r.score.toFixed(3) }),
          el('span', { className: 'meter', style: `width:calc(${((Math.max(0, r.score) / top) * 100).toFixed(1)}% - 12px)` }),
        ],
      );
      li.addEventListener('click', () => (r.index !== null ? void this.selectIndex(r.index, true) : void this.selectWord(r.label)));
      return li;
    });
  }

  private lassoSelect(indices: number[]): void {
    if (indices.length === 0) return this.clearSelection();
    byId('lasso-title').textContent = `Lasso · ${indices.length.toLocaleString('en')} points`;
    const shown = indices.slice(0, 300);
    const chips = shown.map((i) => {
      const chip = el('li', { textContent: this.points[i]?.label ?? String(i) });
      chip.addEventListener('click', () => void this.selectIndex(i, true));
      return chip;
    });
    if (indices.length > shown.length)
      chips.push(el('li', { textContent: `+ ${(indices.length - shown.length).toLocaleString('en')} more` }));
    byId('lasso-list').replaceChildren(...chips);
    this.setHighlight('lasso', null, indices);
  }

  private clearSelection(): void {
    this.setHighlight(null, null, []);
    byId<HTMLInputElement>('search-input').value = '';
  }

  private updateLabels(): void {
    const labels: PlotLabel[] = [];
    // Lassos can hold thousands of points: label only small sets.
    if (this.focus !== null || this.related.length <= 40) {
      for (const i of this.related) if (this.points[i]) labels.push({ index: i, text: this.points[i].label, focus: false });
    }
    if (this.focus !== null && this.points[this.focus])
      labels.push({ index: this.focus, text: this.points[this.focus].label, focus: true });
    this.labels.set(labels, this.view);
  }

  // ---- analogy and query -----------------------------------------------------------------

  private async analogy(): Promise<void> {
    if (!this.model) return;
    const [a, b, c] = ['analogy-a', 'analogy-b', 'analogy-c'].map((id) => byId<HTMLInputElement>(id).value.trim());
    if (!a || !b || !c) {
      this.fail(new Error('Fill in all three words: a − b + c.'));
      return;
    }
    this.hideError();
    try {
      const results = await this.api.analogy(this.model.name, [a, c], [b], 10);
      const rows = results.map((r) => ({ label: r.word, score: r.score, index: this.indexByLabel.get(r.word) ?? null }));
      this.showSet(
        'analogy',
        rows.map((r) => r.index).filter((i): i is number => i !== null),
      );
      byId('analogy-results').replaceChildren(...this.resultItems(rows));
    } catch (e) {
      this.fail(e);
    }
  }

  private async queryImage(file: File | undefined): Promise<void> {
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    await this.query({ image: btoa(binary) });
  }

  private async query(q: { text?: string; image?: string }): Promise<void> {
    // The current model when it is an index with an encoder, else the first such index.
    const target =
      this.model?.kind === 'index' && this.model.encoder ? this.model : this.models.find((m) => m.kind === 'index' && m.encoder);
    if (!target?.encoder) return;
    if (!q.text && !q.image) return;
    this.hideError();
    try {
      const hits = q.image
        ? await this.api.search(target.name, { vector: (await this.api.embedImage(target.encoder, q.image))[0] }, 10)
        : await this.api.search(target.name, { text: q.text }, 10);
      const sameModel = target.name === this.model?.name;
      const rows = hits.map((h) => {
        const index = sameModel ? (this.indexById.get(String(h.id)) ?? null) : null;
        const label = index !== null ? this.points[index].label : String(h.metadata?.title ?? h.metadata?.text ?? h.id);
        return { label, score: h.score, index };
      });
      this.showSet(
        'query',
        rows.map((r) => r.index).filter((i): i is number => i !== null),
      );
      byId('query-results').replaceChildren(...this.resultItems(rows));
    } catch (e) {
      this.fail(e);
    }
  }

  /** Highlights a set of result points (analogy answers, query hits) and flies to them. */
  private showSet(source: 'analogy' | 'query', indices: number[]): void {
    this.setHighlight(source, null, indices);
    if (indices.length > 0) this.view?.flyTo(indices);
  }

  // ---- errors ----------------------------------------------------------------------------

  private fail(e: unknown): void {
    const box = byId('error');
    box.textContent = e instanceof ApiError || e instanceof Error ? e.message : String(e);
    box.hidden = false;
  }

  private hideError(): void {
    byId('error').hidden = true;
  }
}

void new Explorer().start();
