import { describe, expect, it } from 'vitest';
import { boxesOverlap, boxInside, discMeetsBox, type Box } from '../../src/plot/box.js';
import { placeLabels, type LabelRequest } from '../../src/plot/label-placement.js';
import { Random } from '../../src/learn/random.js';

/** `n` points in a few tight clumps (where labels compete) over a 600 × 400 canvas. */
function clumps(n: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rng = new Random(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const centres = [
    [150, 120],
    [420, 260],
    [300, 200],
  ];
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centres[i % 3];
    x[i] = Math.min(590, Math.max(10, cx + 40 * rng.gaussian()));
    y[i] = Math.min(390, Math.max(10, cy + 30 * rng.gaussian()));
  }
  return { x, y };
}

const bounds: Box = { x0: 0, y0: 0, x1: 600, y1: 400 };
const requests = (n: number): LabelRequest[] =>
  Array.from({ length: n }, (_, i) => ({ point: i, text: `w${i}`, width: 24 + (i % 5) * 6, height: 13 }));

describe('placeLabels', () => {
  const { x, y } = clumps(400, 7);
  const labels = requests(400);
  const legend: Box = { x0: 480, y0: 10, x1: 590, y1: 90 };
  const result = placeLabels({ x, y, radius: 3, labels, bounds, obstacles: [legend] });

  it('places every label or drops it: none lost, none twice', () => {
    expect(result.placed.length + result.dropped.length).toBe(400);
    const points = new Set([...result.placed.map((l) => l.point), ...result.dropped]);
    expect(points.size).toBe(400);
    // a crowded canvas (three clumps of ~130 dots): most labels must go, but the first ones mostly fit
    expect(result.dropped.length).toBeGreaterThan(0);
    expect(result.placed.length).toBeGreaterThan(60);
  });

  it('keeps placed label boxes apart, inside the bounds and off the legend', () => {
    const boxes = result.placed.map((l) => l.box);
    for (let i = 0; i < boxes.length; i++) {
      expect(boxInside(boxes[i], bounds)).toBe(true);
      expect(boxesOverlap(boxes[i], legend)).toBe(false);
      for (let j = i + 1; j < boxes.length; j++) expect(boxesOverlap(boxes[i], boxes[j])).toBe(false);
    }
  });

  it('never covers the dot of a labelled point with another label', () => {
    const labelled = result.placed.map((l) => l.point);
    for (const l of result.placed) for (const p of labelled) if (p !== l.point) expect(discMeetsBox(x[p], y[p], 3, l.box)).toBe(false);
  });

  it('puts a label next to its point, or joins it by a leader line', () => {
    for (const l of result.placed) {
      const dx = Math.max(l.box.x0 - x[l.point], 0, x[l.point] - l.box.x1);
      const dy = Math.max(l.box.y0 - y[l.point], 0, y[l.point] - l.box.y1);
      const gap = Math.hypot(dx, dy);
      if (l.leader) {
        expect(Math.hypot(l.leader.x1 - x[l.point], l.leader.y1 - y[l.point])).toBeCloseTo(3, 6);
        expect(gap).toBeLessThan(3 + 2 + 2.5 * 13);
      } else expect(gap).toBeLessThan(3 + 2 + 1);
    }
  });

  it('labels the first (most important) points first', () => {
    const placedFirst = result.placed.filter((l) => l.point < 30).length;
    expect(placedFirst).toBeGreaterThanOrEqual(22);
  });

  it('is deterministic', () => {
    const again = placeLabels({ x, y, radius: 3, labels, bounds, obstacles: [legend] });
    expect(again).toEqual(result);
  });

  it('places a lone label right of its point', () => {
    const r = placeLabels({ x: Float64Array.of(100), y: Float64Array.of(100), radius: 3, labels: requests(1), bounds });
    expect(r.placed[0].box.x0).toBeGreaterThan(100);
    expect((r.placed[0].box.y0 + r.placed[0].box.y1) / 2).toBeCloseTo(100, 6);
  });
});
