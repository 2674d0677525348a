// What the explorer asks of a scatter plot, so that the 2-D view (regl-scatterplot) and the 3-D
// view (our own WebGL point renderer) are interchangeable.

/** RGB, each 0..255. */
export type Rgb = readonly [number, number, number];

export interface ScatterData {
  /** count × dims coordinates, each axis scaled into [-1, 1]. */
  coords: Float32Array;
  dims: 2 | 3;
  /** Colour index of each point into `palette`. */
  colorIndex: Uint16Array;
  palette: readonly Rgb[];
}

export interface ScatterEvents {
  /** The pointer is over point `index` (or none) at page pixel (x, y) relative to the plot. */
  hover(index: number | null, x: number, y: number): void;
  /** A click on point `index`, or on empty space (null). */
  click(index: number | null): void;
  /** A lasso closed around these points. */
  lasso(indices: number[]): void;
  /** The camera moved (labels drawn over the plot follow it). */
  view(): void;
}

export interface ScatterView {
  readonly dims: 2 | 3;
  setData(data: ScatterData): Promise<void>;
  /** Recolours without moving anything. */
  setColors(colorIndex: Uint16Array, palette: readonly Rgb[]): void;
  /** Emphasises `focus` (the selected point) and `related` (its neighbours or a lasso); dims the rest. */
  highlight(focus: number | null, related: readonly number[]): void;
  /** Moves the camera so that these points fill the view. */
  flyTo(indices: readonly number[]): void;
  /** Canvas pixel position (CSS pixels) of a point, or null when it is behind the camera. */
  screenPosition(index: number): [number, number] | null;
  resetView(): void;
  resize(width: number, height: number): void;
  destroy(): void;
}
