// The 2-D view: regl-scatterplot (WebGL, a kd-tree for picking, its own lasso) behind the
// ScatterView interface. Click selects one point, shift-drag draws a lasso, double-click clears.
import createScatterplot from 'regl-scatterplot';
import { hex } from './colors.js';
import type { Rgb, ScatterData, ScatterEvents, ScatterView } from './scatter-view.js';

type Scatterplot = ReturnType<typeof createScatterplot>;

export class Scatter2d implements ScatterView {
  readonly dims = 2 as const;
  private readonly plot: Scatterplot;
  private coords: Float32Array = new Float32Array(0);
  private lassoing = false;
  /** The points of the last lasso and when it closed (a click right after it must not replace it). */
  private lasso: { points: number[]; at: number } = { points: [], at: -Infinity };
  private count = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly events: ScatterEvents,
    background: Rgb,
    accent: Rgb,
  ) {
    const { width, height } = canvas.getBoundingClientRect();
    this.plot = createScatterplot({
      canvas,
      width: Math.max(1, width),
      height: Math.max(1, height),
      backgroundColor: hex(background),
      pointColorActive: hex(accent),
      pointColorHover: '#ffffff',
      pointOutlineWidth: 2,
      // Points keep their pixel size when zooming (as in the 3-D view): zooming spreads a cluster
      // out instead of blowing its points up.
      pointScaleMode: 'constant',
      pointSizeSelected: 3,
      opacityInactiveScale: 0.25,
      lassoColor: hex(accent),
      lassoMinDelay: 10,
      lassoMinDist: 2,
      deselectOnDblClick: true,
      deselectOnEscape: true,
      keyMap: { shift: 'lasso', alt: 'rotate', cmd: 'merge', meta: 'merge', ctrl: 'merge' },
    });
    const plot = this.plot;
    plot.subscribe('pointOver', (i: number) => {
      const p = plot.getScreenPosition(i);
      this.events.hover(i, p?.[0] ?? 0, p?.[1] ?? 0);
    });
    plot.subscribe('pointOut', () => this.events.hover(null, 0, 0));
    plot.subscribe('lassoStart', () => {
      this.lassoing = true;
    });
    plot.subscribe('select', ({ points }: { points: number[] }) => {
      if (this.lassoing) {
        this.lassoing = false;
        this.lasso = { points: [...points], at: performance.now() };
        this.events.lasso([...points]);
      } else if (points.length === 1 && performance.now() - this.lasso.at < 400) {
        // The mouse-up that closed the lasso, over a point: regl-scatterplot also reports it as a
        // click. Keep the lasso.
        this.plot.select(this.lasso.points, { preventEvent: true });
      } else if (points.length === 1) {
        this.events.click(points[0]);
      }
    });
    plot.subscribe('deselect', () => this.events.click(null));
    plot.subscribe('view', () => this.events.view());
  }

  async setData(data: ScatterData): Promise<void> {
    this.coords = data.coords;
    this.count = data.coords.length / 2;
    const x = new Float32Array(this.count);
    const y = new Float32Array(this.count);
    for (let i = 0; i < this.count; i++) {
      x[i] = data.coords[i * 2];
      y[i] = data.coords[i * 2 + 1];
    }
    // Smaller points the more there are: ~7 px for a thousand, ~2.5 px for a hundred thousand.
    const pointSize = Math.max(2, Math.min(8, 14 - 2.2 * Math.log10(Math.max(10, this.count))));
    void this.plot.set({
      pointSize,
      pointColor: data.palette.map(hex),
      colorBy: 'valueA',
      opacity: this.count > 20_000 ? 0.75 : 0.9,
    });
    await this.plot.draw({ x, y, z: Float32Array.from(data.colorIndex), w: new Float32Array(this.count) }, { zDataType: 'categorical' });
    await this.plot.zoomToOrigin();
  }

  setColors(colorIndex: Uint16Array, palette: readonly Rgb[]): void {
    if (this.count === 0) return;
    const x = new Float32Array(this.count);
    const y = new Float32Array(this.count);
    for (let i = 0; i < this.count; i++) {
      x[i] = this.coords[i * 2];
      y[i] = this.coords[i * 2 + 1];
    }
    const selected = this.plot.get('selectedPoints');
    void this.plot.set({ pointColor: palette.map(hex), colorBy: 'valueA' });
    void this.plot.draw(
      { x, y, z: Float32Array.from(colorIndex), w: new Float32Array(this.count) },
      { zDataType: 'categorical', spatialIndex: this.plot.get('spatialIndex'), select: [...selected], preventFilterReset: true },
    );
  }

  highlight(focus: number | null, related: readonly number[]): void {
    const points = focus === null ? [...related] : [focus, ...related];
    if (points.length === 0) this.plot.deselect({ preventEvent: true });
    else this.plot.select(points, { preventEvent: true });
  }

  flyTo(indices: readonly number[]): void {
    if (indices.length === 0) return;
    if (indices.length === 1) {
      const i = indices[0];
      void this.plot.zoomToLocation([this.coords[i * 2], this.coords[i * 2 + 1]], 0.25, { transition: true, transitionDuration: 600 });
    } else {
      void this.plot.zoomToPoints([...indices], { padding: 0.35, transition: true, transitionDuration: 600 });
    }
  }

  screenPosition(index: number): [number, number] | null {
    if (index < 0 || index >= this.count || !this.plot.get('isPointsDrawn')) return null;
    const p = this.plot.getScreenPosition(index);
    return p ? [p[0], p[1]] : null;
  }

  resetView(): void {
    void this.plot.zoomToOrigin({ transition: true, transitionDuration: 500 });
  }

  resize(width: number, height: number): void {
    void this.plot.set({ width: Math.max(1, width), height: Math.max(1, height) });
  }

  destroy(): void {
    this.plot.destroy();
    void this.canvas;
  }
}
