import { boxesOverlap, boxInside, discMeetsBox, segmentMeetsBox, type Box } from './box.js';
import { GridIndex } from './grid-index.js';

/** A label to place next to point `point`; the requests come in order of priority. */
export interface LabelRequest {
  point: number;
  text: string;
  /** Size of the text box in pixels. */
  width: number;
  height: number;
}

/** A placed label: its box, and a leader line from the point when the label sits away from it. */
export interface PlacedLabel {
  point: number;
  text: string;
  box: Box;
  leader?: { x1: number; y1: number; x2: number; y2: number };
}

/** What the placer needs: the points (pixel centres), their dot radius, where labels may go. */
export interface PlacementInput {
  x: Float64Array;
  y: Float64Array;
  radius: number;
  labels: readonly LabelRequest[];
  /** Every label box must lie inside. */
  bounds: Box;
  /** Boxes no label may meet (the legend). */
  obstacles?: readonly Box[];
  /** Most other points' dots a label may cover when no free place is left (default 2). */
  maxCovered?: number;
}

export interface Placement {
  placed: PlacedLabel[];
  /** Points whose label found no place (dropped, not piled up). */
  dropped: number[];
}

/**
 * Directions around a point, in order of preference: right of the point first (how word maps are
 * read, and Imhof's 1975 first choice), then the upper and lower right, the left side, above, below.
 */
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [1, -1],
  [1, 1],
  [-1, 0],
  [-1, -1],
  [-1, 1],
  [0, -1],
  [0, 1],
];

/** Distances of the candidate rings from the dot's edge, in label heights: next to the point, then further out with a leader line. */
const RINGS = [0, 1.1, 2.3] as const;

/** A candidate box at distance `d` from (px, py) in direction (ux, uy). */
function candidateBox(px: number, py: number, ux: number, uy: number, d: number, w: number, h: number): Box {
  const diagonal = ux !== 0 && uy !== 0 ? Math.SQRT1_2 : 1;
  const ax = px + ux * d * diagonal;
  const ay = py + uy * d * diagonal;
  const x0 = ux > 0 ? ax : ux < 0 ? ax - w : ax - w / 2;
  const y0 = uy > 0 ? ay : uy < 0 ? ay - h : ay - h / 2;
  return { x0, y0, x1: x0 + w, y1: y0 + h };
}

/** The leader from the dot's edge to the nearest point of `box` (null when the box touches the dot). */
function leaderTo(px: number, py: number, r: number, box: Box): PlacedLabel['leader'] | null {
  const qx = Math.min(Math.max(px, box.x0), box.x1);
  const qy = Math.min(Math.max(py, box.y0), box.y1);
  const dx = qx - px;
  const dy = qy - py;
  const length = Math.hypot(dx, dy);
  if (length <= r + 3) return null;
  const shorten = (length - 1.5) / length;
  return { x1: px + (dx * r) / length, y1: py + (dy * r) / length, x2: px + dx * shorten, y2: py + dy * shorten };
}

/**
 * Greedy point-feature label placement: each label in turn (highest priority first) takes the first
 * free candidate position — eight around its point, then two rings further out joined by a leader
 * line — that stays inside the bounds, meets no placed label, leader, obstacle or labelled point,
 * and covers no other point's dot; failing that the candidate covering fewest dots (at most
 * `maxCovered`); failing that — or when an earlier label hides its dot — the label is dropped. This is the greedy method of Christensen, Marks
 * & Shieber, "An empirical study of algorithms for point-feature label placement" (ACM TOG 14(3),
 * 1995), with fixed candidate positions as in their study and leader lines for the outer rings.
 * Cost: O(labels × candidates × items near a box), with a uniform grid for the near items.
 */
export function placeLabels(input: PlacementInput): Placement {
  const { x, y, radius: r, bounds, labels } = input;
  const obstacles = input.obstacles ?? [];
  const maxCovered = input.maxCovered ?? 2;
  const width = bounds.x1;
  const height = bounds.y1;
  const meanHeight = labels.length > 0 ? labels.reduce((s, l) => s + l.height, 0) / labels.length : 12;
  const cell = Math.max(16, 2 * meanHeight);
  const dots = new GridIndex(width, height, cell);
  for (let i = 0; i < x.length; i++) dots.insert(i, { x0: x[i] - r, y0: y[i] - r, x1: x[i] + r, y1: y[i] + r });
  const boxes = new GridIndex(width, height, cell);
  const leaders = new GridIndex(width, height, cell);
  const placed: PlacedLabel[] = [];
  const leaderLines: NonNullable<PlacedLabel['leader']>[] = [];
  const labelled = new Uint8Array(x.length);
  const dropped: number[] = [];
  const pad = 1;

  const blocked = (box: Box, own: number): boolean =>
    !boxInside(box, bounds) ||
    obstacles.some((o) => boxesOverlap(box, o)) ||
    boxes.some(box, (id) => boxesOverlap(box, placed[id].box)) ||
    leaders.some(box, (id) => {
      const l = leaderLines[id];
      return segmentMeetsBox(l.x1, l.y1, l.x2, l.y2, box);
    }) ||
    dots.some(box, (i) => i !== own && labelled[i] === 1 && discMeetsBox(x[i], y[i], r + pad, box));

  const covered = (box: Box, own: number, limit: number): number => {
    let count = 0;
    dots.some(box, (i) => {
      if (i !== own && discMeetsBox(x[i], y[i], r, box)) count++;
      return count > limit;
    });
    return count;
  };

  for (const label of labels) {
    const p = label.point;
    const px = x[p];
    const py = y[p];
    // a dot already under a label keeps no label of its own: it would point at a hidden dot
    if (boxes.some({ x0: px - r, y0: py - r, x1: px + r, y1: py + r }, (id) => discMeetsBox(px, py, r, placed[id].box))) {
      dropped.push(p);
      continue;
    }
    let best: { box: Box; leader: PlacedLabel['leader'] | null; cover: number } | undefined;
    search: for (const ring of RINGS) {
      const d = r + 2 + ring * label.height;
      for (const [ux, uy] of DIRECTIONS) {
        const box = candidateBox(px, py, ux, uy, d, label.width, label.height);
        if (blocked(box, p)) continue;
        const leader = ring > 0 ? leaderTo(px, py, r, box) : null;
        if (leader && boxes.some(segmentBox(leader), (id) => segmentMeetsBox(leader.x1, leader.y1, leader.x2, leader.y2, placed[id].box)))
          continue;
        const cover = covered(box, p, best ? best.cover - 1 : maxCovered);
        if (cover === 0) {
          best = { box, leader, cover };
          break search;
        }
        if (cover <= maxCovered && (!best || cover < best.cover)) best = { box, leader, cover };
      }
    }
    if (!best) {
      dropped.push(p);
      continue;
    }
    const entry: PlacedLabel = { point: p, text: label.text, box: best.box };
    if (best.leader) {
      entry.leader = best.leader;
      leaders.insert(leaderLines.length, segmentBox(best.leader));
      leaderLines.push(best.leader);
    }
    boxes.insert(placed.length, best.box);
    placed.push(entry);
    labelled[p] = 1;
  }
  return { placed, dropped };
}

function segmentBox(l: NonNullable<PlacedLabel['leader']>): Box {
  return { x0: Math.min(l.x1, l.x2), y0: Math.min(l.y1, l.y2), x1: Math.max(l.x1, l.x2), y1: Math.max(l.y1, l.y2) };
}
