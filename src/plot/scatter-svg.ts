import { UsageError } from '../errors.js';
import type { Box } from './box.js';
import { assignCategories, type Category, type CategoryOrder } from './categories.js';
import { placeLabels, type LabelRequest, type PlacedLabel } from './label-placement.js';
import { fitText, layoutLegend } from './legend.js';
import { darken, SINGLE_COLOR } from './palette.js';
import { defaultRadius, fitPoints } from './scatter-layout.js';
import { escapeXml, num } from './svg-text.js';
import { FONT_FAMILY, textWidth } from './text-metrics.js';

/** Options of {@link renderScatter}; every one has a default. */
export interface ScatterOptions {
  /** Image size in pixels. Default 1000 × 750. */
  width?: number;
  height?: number;
  /** Heading above the plot (bold), and the line under it (method, parameters). */
  title?: string;
  subtitle?: string;
  /** Text of each point's label (a word), in order of priority: earlier points are labelled first. */
  labels?: readonly string[];
  /** Most labels to try to place (default 400); labels that find no free place are dropped. */
  maxLabels?: number;
  /** Category of each point (`undefined`: none): colours the points and fills the legend. */
  groups?: readonly (string | undefined)[];
  /** Order of the legend: categories as they first appear (default) or largest first. */
  groupOrder?: CategoryOrder;
  /** Heading of the legend (default 'category'). */
  legendTitle?: string;
  /** Label font size in pixels (default 11). */
  fontSize?: number;
  /** Dot radius in pixels (default: from the number of points, 4 down to 1.6). */
  pointRadius?: number;
  /** A grey line at the bottom saying how many labels were placed (default true). */
  footnote?: boolean;
}

/** What {@link renderScatter} drew. */
export interface ScatterResult {
  svg: string;
  width: number;
  height: number;
  /** Labels placed (with their boxes, in pixels), and points whose label was dropped for lack of room. */
  labels: PlacedLabel[];
  droppedLabels: number[];
  /** The legend's entries (empty without groups). */
  legend: Category[];
}

const MARGIN = 20;
const TITLE_FONT = 18;
const SUBTITLE_FONT = 12;
const FOOT_FONT = 10;
/** Space a label box keeps around the glyphs; the box spans the ascenders (0.78 em) and descenders (0.24 em). */
const LABEL_PAD = 1;
const ASCENDER = 0.78;
const DESCENDER = 0.24;

function checkInput(coords: ArrayLike<number>, n: number, dims: number, o: ScatterOptions): void {
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`a scatter plot needs at least one point (got ${n})`);
  if (dims < 2) throw new UsageError(`a scatter plot needs 2-D coordinates (got ${dims}-D)`);
  if (coords.length < n * dims) throw new UsageError(`coordinates hold ${coords.length} values, ${n} × ${dims} expected`);
  for (let i = 0; i < n * dims; i++)
    if (!Number.isFinite(coords[i])) throw new UsageError(`coordinate ${i % dims} of point ${Math.floor(i / dims)} is not a finite number`);
  for (const [name, v] of [
    ['width', o.width],
    ['height', o.height],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < 200 || v > 20000))
      throw new UsageError(`${name} must be a whole number of pixels in 200..20000 (got ${v})`);
  if (o.labels && o.labels.length !== n) throw new UsageError(`${o.labels.length} labels for ${n} points`);
  if (o.groups && o.groups.length !== n) throw new UsageError(`${o.groups.length} categories for ${n} points`);
  if (o.fontSize !== undefined && !(o.fontSize >= 4 && o.fontSize <= 72))
    throw new UsageError(`fontSize must be in 4..72 (got ${o.fontSize})`);
}

/**
 * Draws a labelled scatter plot of a 2-D projection as a standalone SVG document: title and
 * subtitle, the points coloured by category, labels placed without overlaps (see
 * {@link placeLabels}; those that find no room are dropped), the legend inside the image on the
 * right, a footnote with the number of labels shown. Deterministic: the same input gives the same
 * bytes. Text is measured with the metrics of DejaVu Sans, the font the SVG asks for first.
 */
export function renderScatter(coords: ArrayLike<number>, n: number, dims: number, options: ScatterOptions = {}): ScatterResult {
  checkInput(coords, n, dims, options);
  const width = options.width ?? 1000;
  const height = options.height ?? 750;
  const fontSize = options.fontSize ?? 11;
  const radius = options.pointRadius ?? defaultRadius(n);
  const footnote = options.footnote ?? true;
  const inner = width - 2 * MARGIN;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
  ];

  // Heading.
  let top = MARGIN;
  if (options.title) {
    out.push(
      `<text x="${MARGIN}" y="${num(top + TITLE_FONT * 0.8)}" font-size="${TITLE_FONT}" font-weight="bold" fill="#222">${escapeXml(fitText(options.title, inner, TITLE_FONT, true))}</text>`,
    );
    top += TITLE_FONT * 1.3;
  }
  if (options.subtitle) {
    out.push(
      `<text x="${MARGIN}" y="${num(top + SUBTITLE_FONT * 0.85)}" font-size="${SUBTITLE_FONT}" fill="#666">${escapeXml(fitText(options.subtitle, inner, SUBTITLE_FONT))}</text>`,
    );
    top += SUBTITLE_FONT * 1.4;
  }
  if (options.title || options.subtitle) top += 10;
  const bottom = height - MARGIN - (footnote && options.labels && options.maxLabels !== 0 ? FOOT_FONT * 1.6 : 0);

  // Legend on the right, inside the image.
  const categories = options.groups ? assignCategories(options.groups, options.groupOrder) : undefined;
  let frameRight = width - MARGIN;
  let legendSvg = '';
  if (categories && categories.list.length > 0) {
    const legend = layoutLegend(
      categories.list,
      options.legendTitle ?? 'category',
      width - MARGIN,
      top + 4,
      Math.round(0.28 * inner),
      bottom - top - 4,
    );
    legendSvg = legend.svg;
    frameRight = legend.box.x0 - 24;
  }

  // Points: one scale for both axes, with room at the edges for a dot and a little air.
  const frame: Box = { x0: MARGIN, y0: top, x1: frameRight, y1: bottom };
  const inset = radius + 6;
  const px = fitPoints(coords, n, dims, { x0: frame.x0 + inset, y0: frame.y0 + inset, x1: frame.x1 - inset, y1: frame.y1 - inset });
  const entryColor = (p: number) => (categories ? categories.list[categories.ofPoint[p]].color : SINGLE_COLOR);
  const opacity = n > 3000 ? 0.55 : n > 800 ? 0.7 : 0.85;
  const order = categories
    ? [...categories.list.keys()].sort((a, b) => Number(categories.list[b].other) - Number(categories.list[a].other))
    : [0];
  out.push(`<g class="points" fill-opacity="${opacity}">`);
  for (const entry of order) {
    const color = categories ? categories.list[entry].color : SINGLE_COLOR;
    const dots: string[] = [];
    for (let p = 0; p < n; p++) {
      if (categories && categories.ofPoint[p] !== entry) continue;
      dots.push(`<circle cx="${num(px.x[p])}" cy="${num(px.y[p])}" r="${num(radius)}"/>`);
    }
    if (dots.length > 0) out.push(`<g fill="${color}">${dots.join('')}</g>`);
  }
  out.push('</g>');

  // Labels, greedily placed in order of priority.
  let placed: PlacedLabel[] = [];
  let dropped: number[] = [];
  const maxLabels = options.maxLabels ?? 400;
  if (options.labels && maxLabels > 0) {
    const h = (ASCENDER + DESCENDER) * fontSize + 2 * LABEL_PAD;
    const requests: LabelRequest[] = [];
    for (let p = 0; p < n && requests.length < maxLabels; p++) {
      const text = options.labels[p];
      if (text) requests.push({ point: p, text, width: textWidth(text, fontSize) + 2 * LABEL_PAD, height: h });
    }
    const legendBox = legendSvg ? [{ x0: frameRight + 12, y0: top, x1: width, y1: bottom }] : [];
    ({ placed, dropped } = placeLabels({ x: px.x, y: px.y, radius, labels: requests, bounds: frame, obstacles: legendBox }));
    const leaders = placed.filter((l) => l.leader);
    if (leaders.length > 0) {
      out.push(`<g class="leaders" stroke="#999" stroke-width="0.7">`);
      for (const { leader: l } of leaders) out.push(`<line x1="${num(l!.x1)}" y1="${num(l!.y1)}" x2="${num(l!.x2)}" y2="${num(l!.y2)}"/>`);
      out.push('</g>');
    }
    // The white halo is a copy of the text drawn first (not paint-order, which some renderers ignore).
    const at = (l: PlacedLabel) => `x="${num(l.box.x0 + LABEL_PAD)}" y="${num(l.box.y0 + LABEL_PAD + ASCENDER * fontSize)}"`;
    out.push(`<g class="label-halos" font-size="${fontSize}" fill="#fff" stroke="#fff" stroke-width="2.5" stroke-linejoin="round">`);
    for (const l of placed) out.push(`<text ${at(l)}>${escapeXml(l.text)}</text>`);
    out.push(`</g><g class="labels" font-size="${fontSize}">`);
    for (const l of placed) {
      const color = categories && !categories.list[categories.ofPoint[l.point]].other ? darken(entryColor(l.point)) : '#333';
      out.push(`<text ${at(l)} fill="${color}">${escapeXml(l.text)}</text>`);
    }
    out.push('</g>');
    if (footnote) {
      const capped = requests.length === maxLabels && requests[requests.length - 1].point < n - 1;
      const note =
        `${placed.length} of ${n} points labelled` +
        (dropped.length > 0 ? `, ${dropped.length} label${dropped.length === 1 ? '' : 's'} left out for lack of room` : '') +
        (capped ? ` (labels tried for the first ${maxLabels} only)` : '');
      out.push(`<text x="${MARGIN}" y="${num(height - MARGIN + 2)}" font-size="${FOOT_FONT}" fill="#888">${escapeXml(note)}</text>`);
    }
  }
  out.push(legendSvg, '</svg>\n');
  return { svg: out.join(''), width, height, labels: placed, droppedLabels: dropped, legend: categories?.list ?? [] };
}
