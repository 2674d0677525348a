// Word labels drawn over the plot for the selected point and its neighbours; they follow the
// camera (re-placed on every view change) and are plain HTML, so they stay crisp.
import { el } from './dom.js';
import type { ScatterView } from './scatter-view.js';

export interface PlotLabel {
  index: number;
  text: string;
  focus: boolean;
}

export class LabelLayer {
  private labels: PlotLabel[] = [];
  private frame = 0;

  constructor(private readonly container: HTMLElement) {}

  set(labels: PlotLabel[], view: ScatterView | null): void {
    this.labels = labels;
    this.place(view);
  }

  /** Re-places the labels at the next frame (coalesces the many view events of a camera move). */
  place(view: ScatterView | null): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.render(view));
  }

  private render(view: ScatterView | null): void {
    const nodes: HTMLElement[] = [];
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    if (view) {
      // The focus last, so it is drawn on top of its neighbours' labels.
      for (const label of [...this.labels].sort((a, b) => Number(a.focus) - Number(b.focus))) {
        const p = view.screenPosition(label.index);
        if (!p || p[0] < -50 || p[1] < -20 || p[0] > width + 50 || p[1] > height + 20) continue;
        const style = `left:${p[0].toFixed(1)}px;top:${p[1].toFixed(1)}px`;
        if (label.focus) nodes.push(el('div', { className: 'ring', style }));
        nodes.push(el('div', { className: label.focus ? 'label focus' : 'label', textContent: label.text, style }));
      }
    }
    this.container.replaceChildren(...nodes);
  }
}
