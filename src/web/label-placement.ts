// Where to put the plot's labels so that they do not pile up: greedy, in order of priority (the
// selected word first, then its neighbours by rank). Each label tries boxes around its point —
// right, left, above, below and the diagonals — on rings further and further out; the first box that
// overlaps no placed label, no labelled point and stays inside the plot wins. A label that finds no
// free box takes the one that overlaps least, so every label is shown. Labels moved off their
// point get a leader line (drawn by the caller).

export interface LabelBox {
  /** The labelled point, in pixels. */
  x: number;
  y: number;
  /** The label's size, in pixels. */
  width: number;
  height: number;
}

export interface PlacedBox {
  left: number;
  top: number;
  /** Whether the box sits away from its point (ring > 0): draw a leader line. */
  detached: boolean;
}

export interface PlacementOptions {
  /** The plot's size in pixels: boxes stay inside when they can. */
  width: number;
  height: number;
  /** Radius kept clear around every labelled point (its dot). */
  dotRadius?: number;
  /** Gap between a point and its label on the first ring. */
  gap?: number;
  /** Distance added per ring. */
  ringStep?: number;
  /** Rings to try before settling for the least overlap. */
  rings?: number;
}

/** Unit directions in order of preference: labels read best to the right of their point. */
const DIRECTIONS: readonly [number, number][] = [
  [1, 0],
  [-1, 0],
  [0.7, -0.7],
  [0.7, 0.7],
  [-0.7, -0.7],
  [-0.7, 0.7],
  [0, -1],
  [0, 1],
];

/** Places `labels` (in order of priority) and returns one box per label, in the same order. */
export function placeLabelBoxes(labels: readonly LabelBox[], options: PlacementOptions): PlacedBox[] {
  const dot = options.dotRadius ?? 6;
  const gap = options.gap ?? 8;
  const step = options.ringStep ?? 16;
  const rings = options.rings ?? 6;
  const placed: { left: number; top: number; right: number; bottom: number }[] = [];
  const dots = labels.map((l) => ({ left: l.x - dot, top: l.y - dot, right: l.x + dot, bottom: l.y + dot }));
  const out: PlacedBox[] = [];
  for (const [index, label] of labels.entries()) {
    let best: { left: number; top: number; ring: number; cost: number } | null = null;
    search: for (let ring = 0; ring < rings; ring++) {
      const d = gap + ring * step;
      for (const [dx, dy] of DIRECTIONS) {
        const left = dx > 0 ? label.x + dx * d : dx < 0 ? label.x + dx * d - label.width : label.x - label.width / 2;
        const top = dy > 0 ? label.y + dy * d : dy < 0 ? label.y + dy * d - label.height : label.y - label.height / 2;
        const box = { left, top, right: left + label.width, bottom: top + label.height };
        let cost = outside(box, options.width, options.height) * 4;
        for (const p of placed) cost += overlap(box, p);
        for (const [j, p] of dots.entries()) if (j !== index) cost += overlap(box, p) * 2;
        // A small price per ring, so that among overlapping boxes a near one is preferred.
        cost += ring * 0.5;
        if (!best || cost < best.cost) best = { left, top, ring, cost };
        if (cost === ring * 0.5) break search;
      }
    }
    const b = best!;
    placed.push({ left: b.left, top: b.top, right: b.left + label.width, bottom: b.top + label.height });
    out.push({ left: b.left, top: b.top, detached: b.ring > 0 });
  }
  return out;
}

type Rect = { left: number; top: number; right: number; bottom: number };

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Area of `box` outside the plot. */
function outside(box: Rect, width: number, height: number): number {
  const area = (box.right - box.left) * (box.bottom - box.top);
  return area - overlap(box, { left: 0, top: 0, right: width, bottom: height });
}
