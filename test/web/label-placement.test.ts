// The explorer's label placement: labels of points piled on one spot come out side by side, inside
// the plot, none lost, each away from every labelled point's dot.
import { describe, expect, it } from 'vitest';
import { placeLabelBoxes, type LabelBox } from '../../src/web/label-placement.js';

const overlaps = (a: { left: number; top: number; w: number; h: number }, b: { left: number; top: number; w: number; h: number }) =>
  Math.min(a.left + a.w, b.left + b.w) - Math.max(a.left, b.left) > 0 && Math.min(a.top + a.h, b.top + b.h) - Math.max(a.top, b.top) > 0;

describe('placeLabelBoxes', () => {
  it('puts a lone label to the right of its point, attached', () => {
    const [box] = placeLabelBoxes([{ x: 100, y: 100, width: 40, height: 16 }], { width: 400, height: 300 });
    expect(box).toEqual({ left: 108, top: 92, detached: false });
  });

  it('spreads thirteen labels of points within a few pixels without overlaps, inside the plot', () => {
    // Thirteen points within 6 px of each other (a tight cluster seen from afar).
    const labels: LabelBox[] = Array.from({ length: 13 }, (_, i) => ({
      x: 200 + (i % 4) * 2,
      y: 150 + Math.floor(i / 4) * 2,
      width: 36 + (i % 3) * 12,
      height: 18,
    }));
    const boxes = placeLabelBoxes(labels, { width: 400, height: 300 });
    expect(boxes).toHaveLength(13);
    const rects = boxes.map((b, i) => ({ left: b.left, top: b.top, w: labels[i].width, h: labels[i].height }));
    for (let i = 0; i < rects.length; i++) {
      expect(rects[i].left).toBeGreaterThanOrEqual(0);
      expect(rects[i].top).toBeGreaterThanOrEqual(0);
      expect(rects[i].left + rects[i].w).toBeLessThanOrEqual(400);
      expect(rects[i].top + rects[i].h).toBeLessThanOrEqual(300);
      for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i], rects[j]), `labels ${i} and ${j}`).toBe(false);
    }
    // No label hides a labelled point.
    for (const r of rects)
      for (const p of labels) expect(p.x > r.left && p.x < r.left + r.w && p.y > r.top && p.y < r.top + r.h).toBe(false);
    expect(boxes.some((b) => b.detached)).toBe(true);
  });

  it('keeps a label at the plot edge inside the plot (left of its point)', () => {
    const [box] = placeLabelBoxes([{ x: 390, y: 100, width: 40, height: 16 }], { width: 400, height: 300 });
    expect(box.left + 40).toBeLessThanOrEqual(400);
    expect(box.detached).toBe(false);
  });
});
