// Word labels drawn over the plot for the selected point and its neighbours (or an analogy's
// answers, a query's hits, a small lasso); they follow the camera (re-placed on every view change),
// are plain HTML, so they stay crisp, and are placed so that they do not pile up
// (label-placement.ts), with a leader line when a label had to move away from its point.
import { el } from './dom.js';
import { placeLabelBoxes } from './label-placement.js';
import type { ScatterView } from './scatter-view.js';

export interface PlotLabel {
  index: number;
  text: string;
  focus: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';

export class LabelLayer {
  private labels: PlotLabel[] = [];
  /** One node per label, made once per label set (their sizes are measured once). */
  private nodes: HTMLElement[] = [];
  private sizes: [number, number][] | null = null;
  private frame = 0;

  constructor(private readonly container: HTMLElement) {}

  set(labels: PlotLabel[], view: ScatterView | null): void {
    // The focus first: it is placed first (nearest its point) and drawn on top.
    this.labels = [...labels].sort((a, b) => Number(b.focus) - Number(a.focus));
    this.nodes = this.labels.map((label) => {
      const node = el('div', { className: label.focus ? 'label focus' : 'label', textContent: label.text });
      node.dataset.index = String(label.index);
      return node;
    });
    this.sizes = null;
    this.place(view);
  }

  /** Re-places the labels at the next frame (coalesces the many view events of a camera move). */
  place(view: ScatterView | null): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.render(view));
  }

  private render(view: ScatterView | null): void {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    if (!view || this.labels.length === 0) {
      this.container.replaceChildren();
      return;
    }
    if (!this.sizes) {
      this.container.replaceChildren(...this.nodes);
      this.sizes = this.nodes.map((n) => [n.offsetWidth, n.offsetHeight]);
    }
    const shown: { k: number; x: number; y: number }[] = [];
    this.labels.forEach((label, k) => {
      const p = view.screenPosition(label.index);
      if (p && p[0] >= -50 && p[1] >= -20 && p[0] <= width + 50 && p[1] <= height + 20) shown.push({ k, x: p[0], y: p[1] });
    });
    const boxes = placeLabelBoxes(
      shown.map(({ k, x, y }) => ({ x, y, width: this.sizes![k][0], height: this.sizes![k][1] })),
      { width, height },
    );
    const lines = document.createElementNS(SVG, 'svg');
    lines.setAttribute('class', 'leaders');
    const rings: HTMLElement[] = [];
    shown.forEach(({ k, x, y }, j) => {
      const node = this.nodes[k];
      const box = boxes[j];
      const [w, h] = this.sizes![k];
      node.style.left = `${box.left.toFixed(1)}px`;
      node.style.top = `${box.top.toFixed(1)}px`;
      // The labelled point, for tests and tools: where the plot draws it.
      node.dataset.x = x.toFixed(1);
      node.dataset.y = y.toFixed(1);
      if (box.detached) {
        const line = document.createElementNS(SVG, 'line');
        const tx = Math.max(box.left, Math.min(x, box.left + w));
        const ty = Math.max(box.top, Math.min(y, box.top + h));
        line.setAttribute('x1', x.toFixed(1));
        line.setAttribute('y1', y.toFixed(1));
        line.setAttribute('x2', tx.toFixed(1));
        line.setAttribute('y2', ty.toFixed(1));
        lines.append(line);
      }
      if (this.labels[k].focus) rings.push(el('div', { className: 'ring', style: `left:${x.toFixed(1)}px;top:${y.toFixed(1)}px` }));
    });
    const visible = new Set(shown.map(({ k }) => k));
    // Drawn last to first, so that the focus (first) ends up on top.
    this.container.replaceChildren(lines, ...rings, ...this.nodes.filter((_, k) => visible.has(k)).reverse());
  }
}
