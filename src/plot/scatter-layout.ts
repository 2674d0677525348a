import type { Box } from './box.js';

/** Pixel positions of the points of a 2-D projection. */
export interface PixelPoints {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Maps 2-D coordinates (row-major, `n` rows of `dims` values; the first two are drawn) into `area`
 * with one scale for both axes — distances in a projection mean the same in every direction, so
 * the picture is not stretched — centred, y pointing up.
 */
export function fitPoints(coords: ArrayLike<number>, n: number, dims: number, area: Box): PixelPoints {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = coords[i * dims];
    const b = coords[i * dims + 1];
    if (a < minX) minX = a;
    if (a > maxX) maxX = a;
    if (b < minY) minY = b;
    if (b > maxY) maxY = b;
  }
  const w = area.x1 - area.x0;
  const h = area.y1 - area.y0;
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  const scale = Math.min(spanX > 0 ? w / spanX : Infinity, spanY > 0 ? h / spanY : Infinity);
  const s = Number.isFinite(scale) ? scale : 0;
  const cx = (area.x0 + area.x1) / 2;
  const cy = (area.y0 + area.y1) / 2;
  const midX = (minX + maxX) / 2;
  const midY = (minY + maxY) / 2;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = cx + (coords[i * dims] - midX) * s;
    y[i] = cy - (coords[i * dims + 1] - midY) * s;
  }
  return { x, y };
}

/** A dot radius that suits `n` points: 4 px for a few hundred, down to 1.6 px for 10k and more. */
export function defaultRadius(n: number): number {
  return Math.max(1.6, Math.min(4, 4 * Math.sqrt(300 / Math.max(n, 1)) ** 0.5));
}
