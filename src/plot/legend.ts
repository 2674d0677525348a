import type { Box } from './box.js';
import type { Category } from './categories.js';
import { escapeXml, num } from './svg-text.js';
import { textWidth } from './text-metrics.js';

/** Type sizes and spacing of the legend, in pixels. */
const FONT = 12;
const TITLE_FONT = 12;
const LINE = 19;
const SWATCH = 5;
const TEXT_AT = 16;
const COLUMN_GAP = 16;

/** A legend laid out: its box and its SVG group. */
export interface LegendLayout {
  box: Box;
  svg: string;
}

/** `text` cut to fit `width` pixels at `size`, with an ellipsis when cut. */
export function fitText(text: string, width: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= width) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(`${chars.slice(0, mid).join('')}…`, size, bold) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`;
}

/** The text of an entry: its name and, in grey, its count. */
function entryWidth(c: Category, maxText: number): { name: string; width: number } {
  const count = ` ${c.count}`;
  const name = fitText(c.name, maxText - textWidth(count, FONT), FONT);
  return { name, width: textWidth(name + count, FONT) };
}

/**
 * Lays out the legend as a column (or several, when the entries do not fit `maxHeight`) whose top
 * right corner is (`right`, `top`): a title, then per category a colour dot, its name and its
 * number of points. Names wider than `maxWidth` allows are cut with an ellipsis.
 */
export function layoutLegend(
  categories: readonly Category[],
  title: string,
  right: number,
  top: number,
  maxWidth: number,
  maxHeight: number,
): LegendLayout {
  const titleText = fitText(title, maxWidth, TITLE_FONT, true);
  const bodyTop = top + (titleText ? LINE + 2 : 0);
  const perColumn = Math.max(1, Math.floor((maxHeight - (bodyTop - top)) / LINE));
  const columns = Math.ceil(categories.length / perColumn);
  const columnWidth = Math.max(40, (maxWidth - (columns - 1) * COLUMN_GAP) / columns);
  const entries = categories.map((c) => ({ c, ...entryWidth(c, columnWidth - TEXT_AT) }));
  const widths = Array.from({ length: columns }, (_, k) =>
    Math.max(...entries.slice(k * perColumn, (k + 1) * perColumn).map((e) => TEXT_AT + e.width)),
  );
  const width = Math.max(textWidth(titleText, TITLE_FONT, true), widths.reduce((s, w) => s + w, 0) + (columns - 1) * COLUMN_GAP);
  const left = right - width;
  const parts: string[] = [`<g class="legend" font-size="${FONT}">`];
  if (titleText)
    parts.push(`<text x="${num(left)}" y="${num(top + TITLE_FONT)}" font-weight="bold" fill="#333">${escapeXml(titleText)}</text>`);
  let x = left;
  entries.forEach((e, i) => {
    const column = Math.floor(i / perColumn);
    if (i > 0 && i % perColumn === 0) x += widths[column - 1] + COLUMN_GAP;
    const y = bodyTop + (i % perColumn) * LINE;
    parts.push(
      `<circle cx="${num(x + SWATCH)}" cy="${num(y + LINE / 2)}" r="${SWATCH}" fill="${e.c.color}"/>` +
        `<text xml:space="preserve" x="${num(x + TEXT_AT)}" y="${num(y + LINE / 2 + FONT * 0.36)}" fill="${e.c.other ? '#666' : '#222'}">${escapeXml(e.name)}` +
        `<tspan fill="#999"> ${e.c.count}</tspan></text>`,
    );
  });
  parts.push('</g>');
  const rows = Math.min(perColumn, categories.length);
  return { box: { x0: left, y0: top, x1: right, y1: bodyTop + rows * LINE }, svg: parts.join('') };
}
