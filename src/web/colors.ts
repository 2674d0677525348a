// Colouring points: a categorical palette for metadata values and clusters, a sequential ramp for
// numbers, and k-means on the drawn layout for "cluster".
import type { PointItem } from './api-types.js';
import type { Rgb } from './scatter-view.js';

/** Twelve distinguishable hues that read on both the dark and the light background (Tableau-like). */
export const CATEGORICAL: readonly Rgb[] = [
  [78, 154, 241],
  [245, 165, 36],
  [82, 196, 120],
  [236, 92, 104],
  [171, 133, 245],
  [64, 196, 205],
  [242, 120, 190],
  [170, 190, 70],
  [238, 129, 64],
  [120, 144, 230],
  [200, 160, 120],
  [150, 210, 180],
];
export const OTHER: Rgb = [128, 134, 146];
export const SINGLE: Rgb = [92, 160, 240];

export interface Coloring {
  colorIndex: Uint16Array;
  palette: Rgb[];
  legend: { label: string; color: Rgb; count: number }[];
}

export function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

export function uniformColoring(count: number): Coloring {
  return { colorIndex: new Uint16Array(count), palette: [SINGLE], legend: [] };
}

/** Metadata keys worth colouring by: present on some of the first points, with few distinct values or numeric. */
export function colorableKeys(items: readonly PointItem[]): string[] {
  const keys = new Set<string>();
  for (const item of items.slice(0, 2000)) for (const k of Object.keys(item.metadata ?? {})) keys.add(k);
  return [...keys].filter((k) => items.some((it) => isScalar(it.metadata?.[k])));
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Colours by a metadata key: numbers on a ramp of 9 steps, anything else by its 11 most frequent values + other. */
export function metadataColoring(items: readonly PointItem[], key: string): Coloring {
  const values = items.map((it) => it.metadata?.[key]);
  const numeric = values.every((v) => v === undefined || typeof v === 'number') && values.some((v) => typeof v === 'number');
  return numeric
    ? rampColoring(values as (number | undefined)[])
    : categoricalColoring(values.map((v) => (isScalar(v) ? String(v) : undefined)));
}

export function categoricalColoring(values: readonly (string | undefined)[]): Coloring {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = ranked.length > CATEGORICAL.length ? ranked.slice(0, CATEGORICAL.length - 1) : ranked;
  const slot = new Map(shown.map(([v], i) => [v, i]));
  const other = shown.length;
  const colorIndex = new Uint16Array(values.length);
  let otherCount = 0;
  values.forEach((v, i) => {
    const s = v === undefined ? undefined : slot.get(v);
    colorIndex[i] = s ?? other;
    if (s === undefined) otherCount++;
  });
  const palette = [...CATEGORICAL.slice(0, shown.length), OTHER];
  const legend = shown.map(([label, count], i) => ({ label, color: CATEGORICAL[i], count }));
  if (otherCount > 0) legend.push({ label: 'other', color: OTHER, count: otherCount });
  return { colorIndex, palette, legend };
}

const RAMP: readonly Rgb[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [253, 231, 37],
]; // viridis, 9 steps

export function rampColoring(values: readonly (number | undefined)[]): Coloring {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const colorIndex = new Uint16Array(values.length);
  const counts = new Array<number>(RAMP.length + 1).fill(0);
  values.forEach((v, i) => {
    const step =
      v === undefined || !Number.isFinite(v)
        ? RAMP.length
        : hi > lo
          ? Math.min(RAMP.length - 1, Math.floor(((v - lo) / (hi - lo)) * RAMP.length))
          : 0;
    colorIndex[i] = step;
    counts[step]++;
  });
  const fmt = (x: number) => (Math.abs(x) >= 1000 || Number.isInteger(x) ? x.toFixed(0) : x.toPrecision(3));
  const legend = RAMP.map((color, s) => ({ label: fmt(lo + ((hi - lo) * s) / RAMP.length), color, count: counts[s] })).filter(
    (e) => e.count > 0,
  );
  return { colorIndex, palette: [...RAMP, OTHER], legend };
}

/**
 * k-means (Lloyd, k-means++ seeding with a fixed seed) on the drawn coordinates — a quick visual
 * grouping of the layout, not of the original vectors.
 */
export function layoutClusters(coords: Float32Array, dims: number, k: number, seed = 1): Coloring {
  const n = coords.length / dims;
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  k = Math.min(k, n);
  const centres = new Float64Array(k * dims);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < dims; d++) centres[c * dims + d] = coords[pick * dims + d];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += (coords[i * dims + d] - centres[c * dims + d]) ** 2;
      nearest[i] = Math.min(nearest[i], s);
      total += nearest[i];
    }
    let r = random() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= nearest[i];
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  const assign = new Uint16Array(n);
  for (let iter = 0; iter < 25; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let d = 0; d < dims; d++) s += (coords[i * dims + d] - centres[c * dims + d]) ** 2;
        if (s < bestD) {
          bestD = s;
          best = c;
        }
      }
      if (assign[i] !== best || iter === 0) changed++;
      assign[i] = best;
    }
    const sums = new Float64Array(k * dims);
    const sizes = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      sizes[assign[i]]++;
      for (let d = 0; d < dims; d++) sums[assign[i] * dims + d] += coords[i * dims + d];
    }
    for (let c = 0; c < k; c++) if (sizes[c] > 0) for (let d = 0; d < dims; d++) centres[c * dims + d] = sums[c * dims + d] / sizes[c];
    if (changed === 0) break;
  }
  return categoricalColoring(Array.from(assign, (c) => `cluster ${c + 1}`));
}
